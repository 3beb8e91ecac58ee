#!/usr/bin/env bash
# Smoke test of what build/dist.sh made: checksums; the .deb unpacked into a temporary root (control
# fields, files, `outpost version`, a short `outpost serve`); the Linux tarball; the Windows zip and
# setup.exe. With wine (installed by `.ci/setup dist`) the Windows binary runs `version` and `serve`, and
# the installer installs and uninstalls silently in a throwaway wine prefix; without it, the PE headers
# and the installer's file listing are checked.
set -euo pipefail
cd "$(dirname "$0")/.."
dist=$PWD/build/dist
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${WINEPREFIX:-}" ] && wineserver -k 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
step() { echo "dist-check: $*"; }
fail() { echo "dist-check: FAIL: $*" >&2; exit 1; }
one() { # the single artifact matching a pattern
  local m=("$dist"/$1)
  [ ${#m[@]} -eq 1 ] && [ -e "${m[0]}" ] || fail "expected one $1 in build/dist, found: ${m[*]}"
  echo "${m[0]}"
}

tarball=$(one 'outpost-*-linux-amd64.tar.gz')
version=${tarball##*/outpost-}; version=${version%-linux-amd64.tar.gz}
deb=$(one 'outpost_*_amd64.deb')
zip=$(one "outpost-$version-windows-amd64.zip")
setup=$(one "outpost-$version-windows-amd64-setup.exe")

step "SHA256SUMS ($version)"
(cd "$dist" && sha256sum -c --strict SHA256SUMS) || fail "checksums do not match"
for f in "$tarball" "$deb" "$zip" "$setup"; do
  grep -q " ${f##*/}\$" "$dist/SHA256SUMS" || fail "${f##*/} is not in SHA256SUMS"
done

# serve_check NAME DATA-DIR CMD...: starts `CMD serve` on a free port, waits for its address, asks the
# API for this device's facts, checks version and data directory, then stops it.
serve_check() {
  local name=$1 data=$2; shift 2
  local log=$tmp/$name-serve.log
  "$@" serve --data "$data" --no-sync --listen 127.0.0.1:0 >"$log" 2>&1 &
  local pid=$! url=""
  pids+=("$pid")
  for _ in $(seq 1 240); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/?token=[A-Za-z0-9_-]*' "$log" | head -1 || true)
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "$name: serve exited"; }
    sleep 0.25
  done
  [ -n "$url" ] || { cat "$log" >&2; fail "$name: serve printed no address within 60 s"; }
  local base=${url%%/\?*} token=${url##*token=}
  curl -fsS "$base/" | grep -q '<title>Outpost</title>' || fail "$name: $base/ does not serve the UI"
  local info
  info=$(curl -fsS -X POST -H "Authorization: Bearer $token" -d '[]' "$base/api/SystemService/Info") ||
    fail "$name: the API does not answer"
  grep -q "\"version\":\"$version\"" <<<"$info" || fail "$name: API reports $info, want version $version"
  step "$name: serve answered on $base: $info"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

step "deb $(basename "$deb")"
depends=$(dpkg-deb -f "$deb" Depends)
for d in libwebkit2gtk-4.0-37 libgtk-3-0; do
  grep -qw "$d" <<<"$depends" || fail "Depends ($depends) lacks $d"
done
root=$tmp/debroot
dpkg-deb -x "$deb" "$root"
for f in usr/bin/outpost usr/share/applications/outpost.desktop usr/share/icons/hicolor/256x256/apps/outpost.png \
  usr/lib/systemd/user/outpost.service; do
  [ -f "$root/$f" ] || fail "the .deb lacks /$f"
done
[ -x "$root/usr/bin/outpost" ] || fail "/usr/bin/outpost is not executable"
missing=$(ldd "$root/usr/bin/outpost" | grep 'not found' || true)
[ -z "$missing" ] || fail "/usr/bin/outpost needs libraries this system lacks: $missing"
if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$root/usr/share/applications/outpost.desktop"; fi
got=$("$root/usr/bin/outpost" version)
[ "$got" = "outpost $version" ] || fail "deb: outpost version says \"$got\", want \"outpost $version\""
step "deb: $got"
serve_check deb "$tmp/deb-data" "$root/usr/bin/outpost"

step "tarball $(basename "$tarball")"
tar -C "$tmp" -xzf "$tarball"
tdir=$tmp/outpost-$version-linux-amd64
for f in outpost outpost.desktop outpost.png outpost.service README.txt; do
  [ -f "$tdir/$f" ] || fail "the tarball lacks $f"
done
got=$("$tdir/outpost" version)
[ "$got" = "outpost $version" ] || fail "tarball: outpost version says \"$got\""
cmp -s "$tdir/outpost" "$root/usr/bin/outpost" || fail "the tarball and the .deb carry different binaries"

step "windows $(basename "$zip")"
unzip -q "$zip" -d "$tmp/win"
exe=$tmp/win/outpost-$version-windows-amd64/outpost.exe
[ -f "$exe" ] || fail "the zip lacks outpost.exe"
for f in "$exe" "$setup"; do
  desc=$(file -b "$f")
  [[ $desc == "PE32+ executable (GUI) x86-64"* || $desc == "PE32 executable (GUI) Intel 80386"* ]] ||
    fail "${f##*/} is not a Windows GUI program: $desc"
  step "${f##*/}: $desc"
done
if command -v 7z >/dev/null; then
  listing=$(7z l "$setup")
  grep -q 'outpost\.exe' <<<"$listing" || { echo "$listing" >&2; fail "the installer does not carry outpost.exe"; }
  grep -q 'MicrosoftEdgeWebview2Setup\.exe' <<<"$listing" || fail "the installer lacks the WebView2 bootstrapper"
  step "setup.exe carries outpost.exe and MicrosoftEdgeWebview2Setup.exe"
fi

product=$(sed -n 's/.*"productVersion": *"\([0-9.]*\)".*/\1/p' wails.json)
res=$(7z x -so "$exe" .rsrc/0/version.txt 2>/dev/null | iconv -f utf-16le -t utf-8)
for want in "FILEVERSION    ${product//./,},0" "PRODUCTVERSION ${product//./,},0" '"ProductName",       "Outpost"' \
  '"OriginalFilename",  "outpost.exe"'; do
  grep -qF "$want" <<<"$res" || { echo "$res" >&2; fail "outpost.exe's version resource lacks $want"; }
done
7z l "$exe" | grep -q 'GROUP_ICON' || fail "outpost.exe has no icon"
step "outpost.exe: version resource $product, icon"

if ! command -v wine >/dev/null; then
  step "wine is not installed: the Windows files were checked by headers, resources and listing only"
  step "all checks passed"
  exit 0
fi
export WINEPREFIX=$tmp/wine WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
step "wine: $(wine --version)"
start=$(date +%s)
wineboot -i >/dev/null 2>&1 || true
winecfg -v win10 >/dev/null 2>&1 # a new prefix says Windows 7; the installer requires 10
wineserver -w
step "wine prefix ready in $(($(date +%s) - start)) s"
winpath() { echo "Z:${1//\//\\}"; }
# Go 1.24+ programs need bcryptprimitives.dll (ProcessPrng, Windows 10+); Wine has it from version 9.
# Debian 12's Wine 8.0 does not, so there the program itself cannot start and is checked as above.
if wine "$exe" version >"$tmp/wine-version" 2>&1; then
  got=$(tr -d '\r' <"$tmp/wine-version")
  [ "$got" = "outpost $version" ] || fail "wine: outpost.exe version says \"$got\""
  step "wine: $got"
  serve_check wine "$(winpath "$tmp/wine-data")" wine "$exe"
  runs=yes
elif grep -q 'bcryptprimitives.dll not found' "$tmp/wine-version"; then
  step "wine $(wine --version) lacks bcryptprimitives.dll, which Go programs need: outpost.exe not run"
  runs=no
else
  cat "$tmp/wine-version" >&2
  fail "wine: outpost.exe version failed"
fi

# The installer (NSIS, runs on any Wine): as on a machine that already has the WebView2 Runtime
# (Windows 11), so the bootstrapper, which needs the internet, is skipped; install silently, compare
# the installed program with the portable one, uninstall.
wine reg add 'HKLM\SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}' \
  /v pv /d 120.0.0.0 /f >/dev/null 2>&1
wine "$setup" /S
wineserver -w
installed="$WINEPREFIX/drive_c/Program Files/Outpost/Outpost"
[ -f "$installed/outpost.exe" ] && [ -f "$installed/uninstall.exe" ] || fail "setup.exe /S installed nothing in $installed"
cmp -s "$installed/outpost.exe" "$exe" || fail "setup.exe installed a different outpost.exe than the zip's"
if [ "$runs" = yes ]; then
  got=$(wine "$installed/outpost.exe" version | tr -d '\r')
  [ "$got" = "outpost $version" ] || fail "installed outpost.exe version says \"$got\""
fi
reg=$(wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\OutpostOutpost' /v DisplayVersion 2>/dev/null | tr -d '\r')
grep -q "DisplayVersion.*$product" <<<"$reg" || fail "setup.exe registered no uninstaller for $product: $reg"
ls "$WINEPREFIX"/drive_c/users/Public/Desktop/Outpost.lnk "$WINEPREFIX"/drive_c/ProgramData/Microsoft/Windows/Start\ Menu/Programs/Outpost.lnk >/dev/null 2>&1 ||
  step "note: shortcuts not found where expected"
step "setup.exe installed outpost.exe (same as the zip's) with an uninstaller entry"
wine "$installed/uninstall.exe" /S
wineserver -w
[ ! -e "$installed/outpost.exe" ] || fail "uninstall.exe /S left outpost.exe behind"
wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\OutpostOutpost' >/dev/null 2>&1 &&
  fail "uninstall.exe /S left its registry entry"
step "uninstall.exe removed the program and its entry"
step "all checks passed"
