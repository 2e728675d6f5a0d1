#!/bin/sh
# Proves, without network, that every wrap in this folder builds Switchyard: copies the working tree to a scratch
# folder, puts each wrap's source where meson expects it (taken from local git mirrors at the wrap's tag, with the
# wrap's packagefiles applied as meson would), then runs `meson setup --wrap-mode=forcefallback -Dwerror=true`,
# ninja and the unit tests, and checks that meson really used every subproject.
#
# usage: subprojects/check-offline.sh MIRRORS [SCRATCH]
#   MIRRORS  folder of bare git clones named <owner>+<name> (or <owner>+<name>/repo), one per GitHub repository
#            the wraps name: google+re2, jbeder+yaml-cpp, catchorg+Catch2, marzer+tomlplusplus, gabime+spdlog,
#            nlohmann+json (`git clone --mirror https://github.com/google/re2 MIRRORS/google+re2`, once, online).
#   SCRATCH  where to copy and build (default /tmp/switchyard-wrapcheck; emptied first).
# JOBS=N sets ninja's parallelism (default 1).
set -eu

mirrors=${1:?usage: $0 MIRRORS [SCRATCH]}
scratch=${2:-/tmp/switchyard-wrapcheck}
jobs=${JOBS:-1}
root=$(cd "$(dirname "$0")/.." && pwd)

fail() { echo "check-offline: $*" >&2; exit 1; }

# wrap_key FILE KEY: the value of KEY in a .wrap file (first occurrence, spaces around '=' trimmed).
wrap_key() { sed -n "s/^$2[[:space:]]*=[[:space:]]*//p" "$1" | head -n 1; }

# mirror_of URL: the local bare repository for a github.com URL.
mirror_of() {
    slug=$(printf '%s\n' "$1" | sed -n 's#^https://github.com/\([^/]*\)/\([^/]*\)\(/.*\)\{0,1\}$#\1+\2#p' | sed 's/\.git$//')
    [ -n "$slug" ] || fail "not a github.com URL: $1"
    for d in "$mirrors/$slug/repo" "$mirrors/$slug" "$mirrors/$slug.git"; do
        if git --git-dir="$d" rev-parse --git-dir >/dev/null 2>&1; then echo "$d"; return; fi
    done
    fail "no mirror of $1 under $mirrors (expected $mirrors/$slug)"
}

rm -rf "$scratch"
mkdir -p "$scratch"
# The working tree as it is (committed or not), without ignored files such as build directories.
(cd "$root" && git ls-files -z -c -o --exclude-standard | tar --null -T - -cf -) | tar -xf - -C "$scratch"

names=""
for wrap in "$scratch"/subprojects/*.wrap; do
    name=$(basename "$wrap" .wrap)
    names="$names $name"
    dir=$(wrap_key "$wrap" directory)
    dest="$scratch/subprojects/${dir:-$name}"
    mkdir -p "$dest"
    if grep -q '^\[wrap-git\]' "$wrap"; then
        url=$(wrap_key "$wrap" url)
        rev=$(wrap_key "$wrap" revision)
        git --git-dir="$(mirror_of "$url")" archive --format=tar "$rev" | tar -xf - -C "$dest"
        echo "$name: $url at $rev"
    elif grep -q '^\[wrap-file\]' "$wrap"; then
        src=$(wrap_key "$wrap" source_url)
        case "$src" in
            # nlohmann/json's release include.zip: what its Makefile zips (headers, meson.build, licence).
            https://github.com/nlohmann/json/releases/download/*/include.zip)
                tag=$(printf '%s\n' "$src" | sed 's#.*/download/\([^/]*\)/include.zip#\1#')
                git --git-dir="$(mirror_of https://github.com/nlohmann/json)" archive --format=tar "$tag" \
                    include single_include meson.build LICENSE.MIT | tar -xf - -C "$dest"
                echo "$name: $src rebuilt from the $tag tag (the source_hash is WrapDB's, not checked here)" ;;
            *) fail "$name.wrap: cannot rebuild $src offline" ;;
        esac
    else
        fail "$name.wrap: unknown wrap type"
    fi
    [ -z "$(wrap_key "$wrap" diff_files)" ] || fail "$name.wrap: diff_files are not handled here"
    patch=$(wrap_key "$wrap" patch_directory)
    if [ -n "$patch" ]; then
        cp -R "$scratch/subprojects/packagefiles/$patch/." "$dest/"
        echo "$name: packagefiles/$patch applied"
    fi
done

meson setup "$scratch/b" "$scratch" --wrap-mode=forcefallback -Dwerror=true -De2e=false
ninja -C "$scratch/b" -j "$jobs"

# forcefallback must have taken every wrap (a wrap the build never asks for would go untested).
python3 - "$scratch/b" $names <<'EOF'
import json, sys
used = {p["name"] for p in json.load(open(sys.argv[1] + "/meson-info/intro-projectinfo.json"))["subprojects"]}
missing = [n for n in sys.argv[2:] if n not in used]
if missing:
    sys.exit("check-offline: meson did not use the subprojects: " + ", ".join(missing))
print("check-offline: subprojects used:", ", ".join(sorted(used)))
EOF

meson test -C "$scratch/b" --suite unit --num-processes "$jobs"
"$scratch/b/src/app/switchyard" version
echo "check-offline: every wrap builds and the unit tests pass"
