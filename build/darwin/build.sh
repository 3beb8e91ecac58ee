#!/usr/bin/env bash
# Builds Outpost.app for macOS. It must run on a Mac: the macOS build uses cgo against Apple's WebKit and
# Cocoa, which cannot be cross-compiled from Linux, so `make dist` builds no macOS artifact.
# Needs macOS 11+, the Xcode command-line tools (xcode-select --install), Go 1.26 and Node.js 20 with npm.
#   build/darwin/build.sh                 -> build/dist/outpost-V-macos-universal.zip (Outpost.app, unsigned)
#   CODESIGN_IDENTITY="Developer ID Application: ..." NOTARY_PROFILE=name build/darwin/build.sh
#                                         -> signed with the hardened runtime, notarized and stapled
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(uname -s)" = Darwin ] || { echo "build/darwin/build.sh runs on macOS only (cgo + WebKit)" >&2; exit 1; }

version=$(git describe --tags --always --dirty)
go install github.com/wailsapp/wails/v2/cmd/wails@v2.13.0
(cd frontend && npm ci --no-audit --no-fund && npm run build)
# Wails writes build/darwin/Info.plist from wails.json on first use and the bundle to build/bin/Outpost.app.
"$(go env GOPATH)/bin/wails" build -platform darwin/universal -skipbindings -s -m -nosyncgomod -trimpath \
  -ldflags "-X outpost/app.Version=$version"
app=build/bin/Outpost.app

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp --sign "$CODESIGN_IDENTITY" "$app"
fi
mkdir -p build/dist
zip=build/dist/outpost-$version-macos-universal.zip
rm -f "$zip"
ditto -c -k --keepParent "$app" "$zip"
if [ -n "${CODESIGN_IDENTITY:-}" ] && [ -n "${NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit "$zip" --keychain-profile "$NOTARY_PROFILE" --wait
  xcrun stapler staple "$app"
  rm -f "$zip" && ditto -c -k --keepParent "$app" "$zip"
fi
"$app/Contents/MacOS/outpost" version
(cd build/dist && shasum -a 256 "$(basename "$zip")" > "$(basename "$zip").sha256")
echo "built $zip"
