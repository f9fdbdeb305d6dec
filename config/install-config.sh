#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# meson install: copy the example configuration (1st argument) into the
# directory given (2nd, relative to the prefix unless absolute) as
# mip6ha.yaml, keeping a file already there.
set -eu
src=$1
case $2 in
/*) dir=$2 ;;
*) dir=$MESON_INSTALL_PREFIX/$2 ;;
esac
dest=${DESTDIR:-}$dir/mip6ha.yaml
mkdir -p "${DESTDIR:-}$dir"
if [ -e "$dest" ]; then
	echo "Keeping $dest (the example is $src)"
else
	install -m 0644 "$src" "$dest"
	echo "Installing $dest"
fi
