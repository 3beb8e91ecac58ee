package demo

// category is one kind of request with its volume pattern and the words its tickets use.
type category struct {
	name    string
	weight  float64     // share of a normal week's volume
	season  [12]float64 // multiplier per month, January first
	skill   string      // the skill a technician needs for it
	high    float64     // chance of high impact
	titles  []string    // %s takes a thing from things
	things  []string
	details []string // description sentences
	fixes   []string // resolution notes
}

// categories: volumes shaped like a small company's IT desk. "vpn" is the rising
// category: its volume triples over the last three weeks of the period (see rising).
var categories = []category{
	{
		name: "accounts", weight: 18, skill: "identity", high: 0.1,
		season: [12]float64{1.5, 1.1, 1, 1, 1, 0.9, 0.8, 0.8, 1.3, 1, 1, 0.9},
		titles: []string{"Password reset for %s", "Account locked out of %s", "Cannot sign in to %s after holiday",
			"MFA prompt loops on %s", "New starter needs access to %s"},
		things:  []string{"Outlook", "the HR portal", "SharePoint", "the finance system", "Teams", "the CRM"},
		details: []string{"User says the password expired while on leave.", "Locked after too many attempts from an old phone.", "The authenticator app was on a phone that was replaced.", "Manager approved the access by email this morning."},
		fixes:   []string{"Reset the password and verified sign-in with the user.", "Cleared the lockout and removed the old phone's saved credentials.", "Re-enrolled MFA on the new phone.", "Granted access per the approved request."},
	},
	{
		name: "hardware", weight: 14, skill: "hardware", high: 0.15,
		season: [12]float64{1, 1, 1, 1, 1, 1.1, 1.2, 1.3, 1.6, 1.1, 1, 0.9},
		titles: []string{"%s will not power on", "%s overheats and shuts down", "%s damaged in transit",
			"%s stops working every few minutes", "%s needed for a new starter"},
		things:  []string{"laptop", "docking station", "desktop PC", "monitor", "keyboard", "headset"},
		details: []string{"No lights at all, tried another power socket.", "Fan is loud and it turns off after about an hour.", "Dropped on the way to a client meeting.", "Asset tag is on the underside."},
		fixes:   []string{"Replaced the power adapter.", "Cleaned the fans and updated the BIOS.", "Swapped the unit from spare stock; the broken one goes to the vendor.", "Reseated the memory; passes diagnostics now."},
	},
	{
		name: "email", weight: 12, skill: "messaging", high: 0.15,
		season: [12]float64{1, 1, 1, 1, 1, 1, 0.9, 0.9, 1, 1, 1, 1.1},
		titles: []string{"Mail not syncing in %s", "Cannot send email with attachments from %s", "Shared mailbox missing in %s",
			"Calendar invites arrive late in %s", "Out-of-office not working in %s"},
		things:  []string{"Outlook", "the mobile mail app", "webmail"},
		details: []string{"Started after the phone update.", "Error says the message is too large.", "Colleagues see it but this user does not.", "Happens only for external recipients."},
		fixes:   []string{"Re-added the account on the phone.", "Raised the attachment limit for the mailbox and explained the sharing link option.", "Re-applied the mailbox permissions and restarted Outlook.", "Fixed the time zone on the mailbox."},
	},
	{
		name: "printing", weight: 9, skill: "hardware", high: 0.05,
		season: [12]float64{1, 1, 1, 1, 1, 0.9, 0.7, 0.7, 1.1, 1, 1.1, 1.3},
		titles: []string{"%s prints blank pages", "Paper jam in %s", "%s missing from the printer list",
			"Scan to email from %s fails", "%s out of toner"},
		things:  []string{"the third-floor printer", "the reception printer", "the warehouse label printer", "the finance printer"},
		details: []string{"Whole team affected since this morning.", "Error light blinks orange.", "Worked until the driver update.", "Needed for month-end invoices."},
		fixes:   []string{"Replaced the drum unit.", "Cleared the jam and the worn roller.", "Re-deployed the printer by policy.", "Updated the SMTP password on the scanner."},
	},
	{
		name: "software", weight: 13, skill: "software", high: 0.1,
		season: [12]float64{1.1, 1, 1, 1, 1, 1, 0.8, 0.8, 1.1, 1, 1, 1},
		titles: []string{"Install %s", "%s crashes on start", "%s licence expired",
			"Update of %s failed", "%s very slow since the update"},
		things:  []string{"Adobe Acrobat", "the accounting package", "Visio", "Zoom", "the CAD viewer", "Excel"},
		details: []string{"Needed for a client deliverable this week.", "Crash report attached by the user.", "Pop-up says contact your administrator.", "Other users on the same floor are fine."},
		fixes:   []string{"Installed from the software centre.", "Repaired the installation and cleared the profile cache.", "Assigned a licence from the pool.", "Rolled back the update and paused it for this machine."},
	},
	{
		name: "network", weight: 8, skill: "networking", high: 0.3,
		season: [12]float64{1, 1, 1, 1, 1, 1, 1, 1, 1.1, 1, 1, 1},
		titles: []string{"Wi-Fi drops in %s", "No network on the desk port in %s", "Slow internet in %s",
			"Guest Wi-Fi not working in %s"},
		things:  []string{"meeting room 2", "the warehouse", "the second floor", "the training room", "the Leeds office"},
		details: []string{"Several people affected.", "Drops every few minutes during calls.", "Cable tested fine on another port.", "Started after the weekend."},
		fixes:   []string{"Replaced the faulty access point.", "Patched the port on the switch.", "Moved the room to the 5 GHz network.", "ISP fixed a fault on their side."},
	},
	{
		name: "vpn", weight: 4, skill: "networking", high: 0.3,
		season: [12]float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
		titles: []string{"VPN disconnects every hour %s", "VPN will not connect %s", "VPN connected but no file shares %s",
			"VPN client asks for a certificate %s"},
		things:  []string{"at home", "on the hotel network", "on the new laptop", "at a client site", "since the client update"},
		details: []string{"Error 809 in the client.", "Drops after about an hour, then reconnects.", "Started after the client update.", "Works on the phone hotspot but not at home."},
		fixes:   []string{"Reinstalled the VPN client with the new profile.", "Renewed the machine certificate.", "Changed the split-tunnel route for the file server.", "Rolled the client back to the previous version."},
	},
	{
		name: "phones", weight: 5, skill: "telephony", high: 0.1,
		season:  [12]float64{1, 1, 1, 1, 1, 1, 0.9, 0.9, 1, 1, 1, 1},
		titles:  []string{"Desk phone for %s has no dial tone", "Voicemail not working for %s", "New mobile phone for %s"},
		things:  []string{"reception", "the sales team", "the new starter", "the support line"},
		details: []string{"Customers report the line is engaged.", "PIN reset did not help.", "Approved by the department head."},
		fixes:   []string{"Re-provisioned the handset.", "Reset the voicemail box.", "Issued and enrolled a phone from stock."},
	},
	{
		name: "security", weight: 6, skill: "security", high: 0.45,
		season:  [12]float64{1.2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.3, 1.4},
		titles:  []string{"Suspicious email about %s", "Clicked a link in an email about %s", "Forwarded a phishing email about %s"},
		things:  []string{"an unpaid invoice", "a parcel delivery", "a password expiry", "a shared document", "a voicemail"},
		details: []string{"Forwarded the email as an attachment.", "Entered the password before noticing.", "Alert popped up during a download.", "Last seen on the train this morning."},
		fixes:   []string{"Blocked the sender and purged the message from all mailboxes.", "Reset the password, revoked sessions, scanned the machine.", "Quarantined the file; full scan clean.", "Wiped the device remotely and issued a replacement."},
	},
	{
		name: "access", weight: 7, skill: "identity", high: 0.05,
		season:  [12]float64{1.1, 1, 1, 1, 1, 1, 0.8, 0.9, 1.4, 1.1, 1, 0.9},
		titles:  []string{"Access to %s", "Remove a leaver's access to %s", "Read-only access to %s by mistake"},
		things:  []string{"the Projects share", "the Finance share", "the HR share", "the Sales share", "the contracts folder"},
		details: []string{"Manager approval attached.", "Leaver's last day is Friday.", "Worked yesterday."},
		fixes:   []string{"Added the user to the folder's group.", "Removed every group and disabled the account.", "Re-encoded the badge."},
	},
}

// rising names the category whose volume rises at the end of the period, for trend detection.
const rising = "vpn"

var firstNames = []string{"Alice", "Bilal", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas",
	"Kemi", "Liam", "Maya", "Nikhil", "Olga", "Pedro", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Viktor", "Wen", "Yara", "Zoe",
	"Aaron", "Beatriz", "Carlos", "Dana", "Emil", "Fatima", "Gabriel", "Hana", "Ivan", "Julia", "Kofi", "Lena", "Marco", "Nadia", "Omar"}

var lastNames = []string{"Ahmed", "Becker", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen",
	"Kowalski", "Lopez", "Moreau", "Nguyen", "Okafor", "Patel", "Quispe", "Rossi", "Schmidt", "Tanaka", "Usman", "Varga",
	"Wright", "Xu", "Young", "Zimmermann"}

var sites = []string{"Head office", "Leeds office", "Warehouse", "Bristol branch", "Remote"}

var waitingRequester = []string{
	"Asked the user to try again after a restart and report back.",
	"Waiting for the user to bring the laptop in.",
	"User is on leave until Monday; will continue then.",
	"Asked for a screenshot of the error.",
}

var waitingThirdParty = []string{
	"Opened a case with the vendor; waiting on their engineer.",
	"Replacement part ordered; delivery in two days.",
	"ISP ticket raised; they promise an update tomorrow.",
	"Waiting for the licence reseller to issue the key.",
}

var progressComments = []string{
	"Called the user; reproduced the problem over a remote session.",
	"Checked the logs: the error started after last week's update.",
	"Tried the usual fix from the knowledge base, no change yet.",
	"Spoke to the team lead; several people affected.",
	"Remote session booked for this afternoon.",
}

var escalationReasons = []string{
	"Needs changes on the firewall",
	"Needs admin rights on the server",
	"Hardware fault beyond first-line repair",
	"Vendor contract handled by second line",
}

var handovers = []string{
	"Restarted the service and cleared the cache; the error comes back after about an hour. Logs attached to the ticket.",
	"Verified cabling and swapped the port; the fault follows the device. User available all afternoon.",
	"Reinstalled the client and checked the certificate; still failing with the same error. Suspect server-side policy.",
	"Ran diagnostics: memory test fails on the second module. Warranty runs until next spring.",
}

var reopenNotes = []string{
	"User reports the problem is back.",
	"Same error again this morning.",
	"The fix did not hold after the weekend.",
}

var workNotes = []string{"remote session", "on-site visit", "phone call with the user", "testing", "vendor call", "documentation"}
