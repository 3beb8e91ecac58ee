#!/usr/bin/env bash
# Builds every release artifact into build/dist (see README "Install"):
#   outpost-V-windows-amd64-setup.exe   NSIS installer (Wails's project.nsi), WebView2 bootstrapper inside
#   outpost-V-windows-amd64.zip         portable outpost.exe
#   outpost_D_amd64.deb                 Debian 12 / Ubuntu 22.04+ package
#   outpost-V-linux-amd64.tar.gz        binary, desktop entry, icon, user systemd unit
#   SHA256SUMS
# V is `git describe --tags --always --dirty`; D is its Debian form. Runs on Linux (Debian 12) with
# makensis, zip and the pinned Wails CLI (make wails-cli); no macOS artifact is built (build/darwin/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(git describe --tags --always --dirty)
product=$(sed -n 's/.*"productVersion": *"\([0-9.]*\)".*/\1/p' wails.json)
[ -n "$product" ] || { echo "dist: wails.json has no info.productVersion" >&2; exit 1; }
# A release tag must name the version wails.json gives the Windows version resource and the installer.
if [[ $version =~ ^v?([0-9]+\.[0-9]+\.[0-9]+) ]] && [ "${BASH_REMATCH[1]}" != "$product" ]; then
  echo "dist: tag $version does not match wails.json info.productVersion $product; bump one of them" >&2
  exit 1
fi
case "$version" in
  "v$product" | "$product") deb_version=$product ;;                       # the release itself
  "v$product"-* | "$product"-*) deb_version="$product+${version#*-}" ;;    # commits after it
  *) deb_version="$product~git.$version" ;;                                # before the first tag: sorts below it
esac
deb_version=${deb_version//-/.}

out=build/dist
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
rm -rf "$out" && mkdir -p "$out"
ldflags="-X outpost/app.Version=$version"
echo "dist: version $version (Debian $deb_version)"

# Linux binary, the same build as `make build`.
CGO_ENABLED=1 go build -tags desktop,production -trimpath -ldflags "-w -s $ldflags" -o "$stage/outpost" .

# Windows: the Wails CLI cross-compiles (no cgo on Windows), embeds the version resource and icon from
# wails.json and build/windows, and runs makensis on build/windows/installer/project.nsi.
wails=$(go env GOPATH)/bin/wails
PATH="$(go env GOPATH)/bin:$PATH" "$wails" build -platform windows/amd64 -nsis -webview2 download \
  -skipbindings -s -m -nosyncgomod -trimpath -ldflags "$ldflags" -o outpost.exe
rm -f ./*-res.syso
mv build/bin/outpost-amd64-installer.exe "$out/outpost-$version-windows-amd64-setup.exe"
mkdir -p "$stage/win/outpost-$version-windows-amd64"
cp build/bin/outpost.exe "$stage/win/outpost-$version-windows-amd64/outpost.exe"
cp build/windows/portable.txt "$stage/win/outpost-$version-windows-amd64/README.txt"
(cd "$stage/win" && zip -q -r -X "$OLDPWD/$out/outpost-$version-windows-amd64.zip" .)

# Debian package, with dpkg-deb (see README "Design: release artifacts").
root=$stage/deb
install -D -m 0755 "$stage/outpost" "$root/usr/bin/outpost"
install -D -m 0644 build/linux/outpost.desktop "$root/usr/share/applications/outpost.desktop"
for size in 48 128 256 512; do # rendered from build/appicon.png once, committed
  install -D -m 0644 "build/linux/icons/outpost-$size.png" "$root/usr/share/icons/hicolor/${size}x${size}/apps/outpost.png"
done
install -D -m 0644 build/linux/outpost.service "$root/usr/lib/systemd/user/outpost.service"
install -D -m 0644 build/linux/copyright "$root/usr/share/doc/outpost/copyright"
mkdir -p "$root/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$deb_version/" -e "s/@SIZE@/$size/" build/linux/control > "$root/DEBIAN/control"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out/outpost_${deb_version}_amd64.deb" >/dev/null

# Linux tarball: the same files for other distributions.
tar_dir=$stage/tar/outpost-$version-linux-amd64
mkdir -p "$tar_dir"
cp "$stage/outpost" build/linux/outpost.desktop build/linux/outpost.service build/linux/tarball.txt "$tar_dir/"
mv "$tar_dir/tarball.txt" "$tar_dir/README.txt"
cp build/linux/icons/outpost-256.png "$tar_dir/outpost.png"
tar -C "$stage/tar" --owner=0 --group=0 --sort=name -czf "$out/outpost-$version-linux-amd64.tar.gz" "outpost-$version-linux-amd64"

(cd "$out" && sha256sum -- * > SHA256SUMS)
ls -l "$out"
