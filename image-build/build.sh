#!/usr/bin/env bash
# Builds the appliance disk image (x86_64, Debian bookworm): GPT with a BIOS boot partition, an EFI
# system partition and an ext4 root; GRUB for BIOS and for UEFI (removable path), serial console on
# ttyS0. No loop devices and no mounts: the file systems are made as files (mke2fs -d, mkfs.vfat +
# mtools) and put together with sgdisk and dd, so it runs in a container as well.
#
#   image-build/build.sh            (make image) → image-build/out/applianced-amd64.img
#
# Environment: APPLIANCED_BINARY (default .build/release/applianced, built by `make release`),
# DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR, EXTRA_PACKAGES, VA_DRIVERS (below), EXTRA_ROOTFS (a directory
# laid over rootfs/ for a site: SSH keys, a unit drop-in, a config drop-in), IMAGE_OUT_DIR.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=${IMAGE_OUT_DIR:-$repo/image-build/out}
binary=${APPLIANCED_BINARY:-$repo/.build/release/applianced}
# The media helper the daemon runs per busy worker; installed next to the daemon, where it looks first.
media_binary=${APPLIANCED_MEDIA_BINARY:-$(dirname "$binary")/applianced-media}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# VA-API drivers are loaded by libva at run time (dlopen), so ldd does not see them: Intel (N100)
# and AMD (Mesa) boxes need them for GPU thumbnails.
va_drivers=${VA_DRIVERS:-intel-media-va-driver mesa-va-drivers}
image="$out/applianced-amd64.img"
esp_mib=64
bios_boot_mib=1
root_free_mib=${ROOT_FREE_MIB:-512}

say() { printf '==> %s\n' "$*"; }
fail() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || exec sudo -E "$0" "$@"
for tool in mmdebstrap mke2fs mkfs.vfat mcopy mmd sgdisk grub-mkimage ldd readelf dpkg-query; do
    command -v "$tool" >/dev/null || fail "missing $tool (make image installs IMAGE_PACKAGES)"
done
[ -x "$binary" ] || fail "no binary at $binary (run make release)"
[ -x "$media_binary" ] || fail "no media helper at $media_binary (run make release)"
"$binary" version >/dev/null || fail "$binary does not run"

mkdir -p "$out"
work=$(mktemp -d "$out/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
target="$work/rootfs"

# The Debian packages of the libraries the binaries link directly (their DT_NEEDED entries, found where
# ldd resolves them, owner from dpkg -S; no -dev packages). What those libraries link in turn comes
# with their packages' dependencies (through libav*, ldd lists over a hundred more packages' libraries;
# only the media helper links libav* and libva).
needed=$(for b in "$binary" "$media_binary"; do readelf -d "$b" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'; done | sort -u)
resolved=$(ldd "$binary"; ldd "$media_binary")
runtime_packages=$(
    for soname in $needed; do
        printf '%s\n' "$resolved" | awk -v soname="$soname" '$1 == soname && $3 ~ /^\// { print $3 }' | grep . ||
            [ "$soname" = ld-linux-x86-64.so.2 ] || fail "ldd does not resolve $soname"
    done | while read -r lib; do
        dpkg-query -S "$lib" 2>/dev/null || dpkg-query -S "$(readlink -f "$lib")" 2>/dev/null ||
            fail "no Debian package ships $lib"
    done | cut -d: -f1 | sed 's/,.*//' | sort -u | tr '\n' ' '
)
say "runtime libraries of applianced and applianced-media: $runtime_packages"

# yt-dlp runs as a child for downloads (issue 17), with ffmpeg for merging and audio extraction.
# zstd: initramfs-tools' COMPRESS=zstd (without the tool it falls back to gzip, 3–4× slower to unpack).
# libavfilter8: the media helper loads it at run time (dlopen, scale_vaapi on a GPU), so it is no NEEDED entry;
# libcurl4 likewise: the daemon loads it for its first outgoing request (Fetch's CurlLibrary).
packages="systemd systemd-sysv systemd-resolved udev dbus linux-image-amd64 initramfs-tools zstd kmod
    e2fsprogs procps avahi-daemon ca-certificates iproute2 yt-dlp ffmpeg libavfilter8 libcurl4 $va_drivers $runtime_packages ${EXTRA_PACKAGES:-}"

root_uuid=$(cat /proc/sys/kernel/random/uuid)
root_partuuid=$(cat /proc/sys/kernel/random/uuid)
esp_volid=$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')

say "bootstrapping Debian bookworm into $target"
mmdebstrap --mode=root --variant=apt --format=directory --architectures=amd64 \
    --include="$(echo $packages | tr ' ' ',')" \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --aptopt='APT::Install-Recommends "false"' \
    --customize-hook="cp -r '$repo/rootfs/etc/initramfs-tools/.' \"\$1/etc/initramfs-tools/\" && chroot \"\$1\" update-initramfs -u -k all" \
    bookworm "$target" \
    "deb $mirror bookworm main" \
    "deb $mirror bookworm-updates main" \
    "deb $security_mirror bookworm-security main"

say "installing applianced and the rootfs overlay"
install -m 0755 "$binary" "$target/usr/bin/applianced"
install -m 0755 "$media_binary" "$target/usr/bin/applianced-media"
tar -C "$repo/rootfs" --owner=root --group=root -cf - . | tar -C "$target" --keep-directory-symlink -xf -
if [ -n "${EXTRA_ROOTFS:-}" ]; then
    tar -C "$EXTRA_ROOTFS" --owner=root --group=root -cf - . | tar -C "$target" --keep-directory-symlink -xf -
fi
# The wizard's pages come with rootfs/usr/share/applianced/www/; the path exists even without them.
install -d -m 0755 "$target/usr/share/applianced/www"
if [ -f "$repo/config/applianced.toml" ]; then
    install -m 0640 "$repo/config/applianced.toml" "$target/etc/applianced/applianced.toml"
fi
systemd-sysusers --root="$target"
# The same ownership systemd-tmpfiles gives them at boot (usr/lib/tmpfiles.d/applianced.conf).
install -d -m 0750 "$target/var/lib/applianced"
chmod 0750 "$target/etc/applianced" "$target/etc/applianced/conf.d"
chroot "$target" chown -R applianced:applianced /etc/applianced /var/lib/applianced
chmod 0640 "$target"/etc/applianced/conf.d/*.toml

cat >"$target/etc/fstab" <<EOF
# <file system>       <mount point> <type> <options>          <dump> <pass>
UUID=$root_uuid / ext4 errors=remount-ro,x-systemd.growfs 0 1
EOF
ln -sf /run/systemd/resolve/stub-resolv.conf "$target/etc/resolv.conf"
: >"$target/etc/machine-id"
systemctl --root="$target" enable systemd-networkd.service systemd-resolved.service \
    avahi-daemon.service applianced.service applianced-test-console.service
# apt's timers refresh package lists (at the first boot too: Persistent=) and pull in network-online.target,
# so systemd-networkd-wait-online, on a box whose software comes with the image: off.
systemctl --root="$target" disable --quiet apt-daily.timer apt-daily-upgrade.timer 2>/dev/null || true
# Nothing on the appliance uses binfmt_misc, FUSE's or configfs's file systems, loop or device-mapper
# devices at boot (systemd-repart only grows the root partition) or LVM snapshots (e2scrub): masked, so
# the boot neither starts them nor runs a modprobe for each (~0.3 s of CPU apiece under emulation).
systemctl --root="$target" mask --quiet systemd-binfmt.service proc-sys-fs-binfmt_misc.automount \
    sys-fs-fuse-connections.mount sys-kernel-config.mount modprobe@loop.service modprobe@dm_mod.service \
    e2scrub_reap.service e2scrub_all.timer
rm -rf "$target/var/lib/apt/lists/"* "$target/var/cache/apt/"*.bin "$target/var/cache/apt/archives/"*.deb \
    "$target/var/log/"*.log "$target/etc/ssh/ssh_host_"*

kernel=$(cd "$target/boot" && ls vmlinuz-* | sort -V | tail -n1)
kernel_version=${kernel#vmlinuz-}
initrd="$target/boot/initrd.img-$kernel_version"
[ -f "$initrd" ] || fail "no initrd for $kernel_version"
case $(od -An -tx1 -N4 "$initrd" | tr -d ' ') in
28b52ffd) initrd_format=zstd ;;
1f8b*) initrd_format=gzip ;;
*) initrd_format="not zstd or gzip" ;;
esac
say "initrd: $(($(stat -c %s "$initrd") / 1048576)) MiB, $initrd_format (the local-root hook leaves network and SAN drivers out)"

say "installing GRUB (BIOS and UEFI) for kernel $kernel_version"
mkdir -p "$target/boot/grub"
for platform in i386-pc x86_64-efi; do
    cp -r "/usr/lib/grub/$platform" "$target/boot/grub/$platform"
done
# quiet: the kernel's messages and systemd's status lines go to the journal (`journalctl -b`), not to
# the console, where a real UART writes them at 115200 baud and an emulated framebuffer scrolls for each
# line; errors and the login prompt still show.
cat >"$target/boot/grub/grub.cfg" <<EOF
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set default=0
# One entry, no menu: the appliance boots straight into it (timeout=1 cost about 1.5 s under emulation,
# and timeout_style=hidden about 3 s in OVMF). Other kernel arguments go into this file.
set timeout=0
menuentry "applianced" {
    linux /boot/vmlinuz-$kernel_version root=PARTUUID=$root_partuuid ro quiet console=tty0 console=ttyS0,115200n8
    initrd /boot/initrd.img-$kernel_version
}
EOF
cat >"$work/early.cfg" <<EOF
search --no-floppy --fs-uuid --set=root $root_uuid
set prefix=(\$root)/boot/grub
configfile \$prefix/grub.cfg
EOF
grub_modules="part_gpt part_msdos ext2 fat search search_fs_uuid configfile normal linux echo test gzio
    serial terminal terminfo"
# shellcheck disable=SC2086
grub-mkimage -O i386-pc -o "$work/core.img" -c "$work/early.cfg" -p /boot/grub biosdisk $grub_modules
# shellcheck disable=SC2086
grub-mkimage -O x86_64-efi -o "$work/BOOTX64.EFI" -c "$work/early.cfg" -p /boot/grub \
    efi_gop efi_uga $grub_modules
core_size=$(stat -c %s "$work/core.img")
[ "$core_size" -le $((bios_boot_mib * 1024 * 1024)) ] || fail "core.img ($core_size bytes) exceeds the BIOS boot partition"

say "making the file systems"
root_used_kib=$(du -sk --apparent-size "$target" | cut -f1)
root_mib=$(((root_used_kib * 12 / 10) / 1024 + root_free_mib))
mke2fs -q -t ext4 -L applianced-root -U "$root_uuid" -d "$target" -E root_owner=0:0 \
    "$work/root.ext4" "${root_mib}M"
truncate -s "${esp_mib}M" "$work/esp.vfat"
mkfs.vfat -F 32 -s 1 -n APPLIANCED -i "$esp_volid" "$work/esp.vfat" >/dev/null
mmd -i "$work/esp.vfat" ::/EFI ::/EFI/BOOT
mcopy -i "$work/esp.vfat" "$work/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI

say "assembling the GPT disk image"
bios_start=2048
esp_start=$((bios_start + bios_boot_mib * 2048))
root_start=$((esp_start + esp_mib * 2048))
root_sectors=$((root_mib * 2048))
total_mib=$((1 + bios_boot_mib + esp_mib + root_mib + 1))
rm -f "$image"
truncate -s "${total_mib}M" "$image"
sgdisk --clear \
    --new=1:$bios_start:+${bios_boot_mib}M --typecode=1:EF02 --change-name=1:bios-boot \
    --new=2:$esp_start:+${esp_mib}M --typecode=2:EF00 --change-name=2:esp \
    --new=3:$root_start:+$root_sectors --typecode=3:4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709 \
    --change-name=3:root --partition-guid=3:"$root_partuuid" \
    "$image" >/dev/null
dd if="$work/esp.vfat" of="$image" bs=1M seek=$((esp_start / 2048)) conv=notrunc,sparse status=none
dd if="$work/root.ext4" of="$image" bs=1M seek=$((root_start / 2048)) conv=notrunc,sparse status=none
dd if="$work/core.img" of="$image" bs=512 seek=$bios_start conv=notrunc status=none

# What grub-bios-setup does for an embedded core image: the MBR boot code (boot.img, 440 bytes, the
# partition table stays) learns where core.img starts, and core.img's first sector (diskboot) where
# the rest of it lies.
python3 - "$image" /usr/lib/grub/i386-pc/boot.img "$bios_start" <<'EOF'
import struct, sys
image_path, boot_img_path, core_sector = sys.argv[1], sys.argv[2], int(sys.argv[3])
boot = bytearray(open(boot_img_path, "rb").read())
assert len(boot) == 512
struct.pack_into("<Q", boot, 0x5C, core_sector)  # GRUB_BOOT_MACHINE_KERNEL_SECTOR
boot[0x66:0x68] = b"\x90\x90"  # GRUB_BOOT_MACHINE_DRIVE_CHECK: a hard disk, not a floppy
with open(image_path, "r+b") as image:
    image.write(boot[:440])
    image.seek(core_sector * 512 + 512 - 12)  # struct grub_pc_bios_boot_blocklist at the sector's end
    start, length, segment = struct.unpack("<QHH", image.read(12))
    assert start == 2 and length > 0, (start, length)
    image.seek(core_sector * 512 + 512 - 12)
    image.write(struct.pack("<QHH", core_sector + 1, length, segment))
EOF
sgdisk --verify "$image" >/dev/null || fail "sgdisk --verify failed on $image"

package_count=$(chroot "$target" dpkg-query -W -f='${db:Status-Abbrev}\n' | grep -c '^ii')
installed_kib=$(chroot "$target" dpkg-query -W -f='${Installed-Size}\n' | awk '{ s += $1 } END { print s }')
# awk reads to the end: `head` would close the pipe early, and sort's SIGPIPE fails the build under pipefail.
largest=$(chroot "$target" dpkg-query -W -f='${Installed-Size} ${Package}\n' | sort -rn |
    awk 'NR <= 6 { printf "%s%s %d MiB", (NR > 1 ? ", " : ""), $2, $1 / 1024 }')
say "image: $image"
printf '  disk size:       %s MiB (%s MiB allocated)\n' "$total_mib" "$(($(du -k "$image" | cut -f1) / 1024))"
printf '  partitions:      bios-boot %s MiB, esp %s MiB (FAT32), root %s MiB (ext4, %s MiB used)\n' \
    "$bios_boot_mib" "$esp_mib" "$root_mib" "$((root_used_kib / 1024))"
printf '  packages:        %s (installed size %s MiB)\n' "$package_count" "$((installed_kib / 1024))"
printf '  largest:         %s\n' "$largest"
printf '  kernel:          %s\n' "$kernel_version"
printf '  applianced:      %s (%s bytes), runtime packages: %s\n' \
    "$("$binary" version | sed -n 1p)" "$(stat -c %s "$binary")" "$runtime_packages"
printf '  write it with:   dd if=%s of=/dev/sdX bs=4M conv=fsync status=progress\n' "$image"
