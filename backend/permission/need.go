package permission

import "outpost/backend/core/change"

// Record kinds the permission rules read.
const (
	KindGrant  = "grant"  // a device's roles: grant and revoke events (ID: device ID)
	KindPolicy = "policy" // the team's adjustments of the table (ID: PolicyID)
	PolicyID   = "permissions"
)

// free are kinds any member's device may write whatever its role: its own
// registration and key, its person's profile, its saved views, mail taken in.
var free = map[string]bool{"device": true, "devicekey": true, "person": true, "view": true}

// byKind is the right a change of a kind needs; a kind not listed needs WorkTickets.
var byKind = map[string]Right{
	KindGrant: ManageRoles, KindPolicy: ManageRoles,
	"teamkey":  ManageDevices,
	"coaching": WriteCoaching, "quality-review": WriteCoaching, "improvement-plan": WriteCoaching,
	"mailbox":         ManageMail,
	"escalation-path": ManageEscalation, "contact": ManageEscalation, "agreement": ManageEscalation, "vendor-case": ManageEscalation,
	"technician": ManageTeam, "category": ManageTeam, "onboarding-template": ManageTeam, "setting": ManageTeam,
}

// bySetting is the right a "settings" record needs, by its ID.
var bySetting = map[string]Right{"sla": ManageSLA, "categories": ManageTeam}

// deletable are kinds whose deletion needs DeleteRecords.
var deletable = map[string]bool{"ticket": true, "sop": true}

// Need returns the right a change needs, or "" when any team device may make it.
func Need(kind, entity string, ops []change.Op) Right {
	if free[kind] {
		if kind == "device" && deletes(ops) {
			return ManageDevices // removing a device
		}
		return ""
	}
	if deletable[kind] && deletes(ops) {
		return DeleteRecords
	}
	if kind == "settings" {
		if r, ok := bySetting[entity]; ok {
			return r
		}
	}
	if r, ok := byKind[kind]; ok {
		return r
	}
	return WorkTickets
}

func deletes(ops []change.Op) bool {
	for _, op := range ops {
		if op.Op == change.OpSet && op.Field == change.FieldDeleted && string(op.Value) == "true" {
			return true
		}
	}
	return false
}
