# applianced: one Swift daemon for a media appliance. `make run` and `make test` do all set-up on Debian bookworm.
SHELL := /bin/bash
SWIFT ?= swift
ROOT ?= ./run
PORT ?= 8080
# Seconds each libFuzzer target runs under `make fuzz` (`make fuzz-smoke`, part of `make test`, runs FUZZ_SMOKE_SECONDS).
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 10
# Tests `swift test` runs at once (Swift Testing's limit): all ~950 at once queued their set-up on the
# cooperative pool's few threads for tens of seconds (docs/testing.md, "Blocking work in tests").
TEST_WIDTH ?= 32
# Debian packages the build and the tests need (C libraries through systemLibrary targets, and test tools).
DEB_PACKAGES := pkg-config libsqlite3-dev libcurl4-openssl-dev \
	libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libavfilter-dev libzimg-dev \
	libva-dev libudev-dev libssl-dev libargon2-dev libqrencode-dev libseccomp-dev
DEB_TEST_PACKAGES := curl ffmpeg yt-dlp umockdev libumockdev-dev python3 systemd procps util-linux chromium chromium-driver
# The appliance image: building it (make image) and booting it under emulation (make image-test).
DEB_IMAGE_PACKAGES := mmdebstrap binutils e2fsprogs dosfstools mtools gdisk grub-pc-bin grub-efi-amd64-bin grub-common \
	python3 qemu-system-x86 qemu-utils ovmf

.PHONY: deps deps-test deps-image build run test test-e2e e2e schemathesis test-schemathesis fuzz fuzz-build fuzz-smoke release release-flags image image-test clean format

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages: $$missing"; \
		$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq $$missing; \
	fi

deps-test: deps
	@missing=$$(for p in $(DEB_TEST_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages: $$missing"; \
		$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq $$missing; \
	fi

deps-image: deps
	@missing=$$(for p in $(DEB_IMAGE_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages: $$missing"; \
		$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

run: build
	$(SWIFT) build --product applianced
	$(SWIFT) build --product applianced-media
	APPLIANCED_SERVER_WWW_ROOT=$(CURDIR)/rootfs/usr/share/applianced/www .build/debug/applianced serve --root $(ROOT) --port $(PORT)

test: deps-test
	mkdir -p .build
	$(SWIFT) build --build-tests 2>&1 | tee .build/build-tests.log; test $${PIPESTATUS[0]} -eq 0
	@if grep -q 'warning:' .build/build-tests.log; then echo "Build produced warnings:"; grep 'warning:' .build/build-tests.log | sort -u; exit 1; fi
	SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(TEST_WIDTH) $(SWIFT) test --skip-build
	image-build/check-units.sh
	$(MAKE) --no-print-directory schemathesis
	$(MAKE) --no-print-directory e2e
	$(MAKE) --no-print-directory fuzz-smoke

# schemathesis against /api/openapi.json on a live daemon (fresh root, loopback, upstreams pinned to local fakes).
# Exit 77 from the script means schemathesis could not be installed: skipped, with the reason printed.
SCHEMATHESIS_PACKAGES := schemathesis==4.32.5 openapi-spec-validator==0.9.0
schemathesis:
	python3 -c 'import schemathesis, openapi_spec_validator' 2>/dev/null || python3 -m pip install -q $(SCHEMATHESIS_PACKAGES) || \
		python3 -m pip install -q --break-system-packages $(SCHEMATHESIS_PACKAGES) || true
	python3 Tests/schemathesis/run.py; rc=$$?; \
	if [ $$rc -eq 77 ]; then echo "schemathesis API test skipped"; else exit $$rc; fi

test-schemathesis: deps-test
	$(SWIFT) build --product applianced
	$(MAKE) --no-print-directory schemathesis

# The wizard in headless Chromium against the daemon and the fake Plex; screenshots in test-artifacts/wizard/.
# The dashboard likewise (every page, a job with real clips, settings, charts, logs; axe-core when it installs);
# screenshots and page figures in test-artifacts/dashboard/.
# Then the WebSocket framing against the `websockets` library (PyPI) on /api/test/ws-echo, and
# Socket.IO on /socket.io/ against the `python-socketio` client (PyPI).
# Exit 77 from the script means Chromium, chromedriver or Selenium is missing: skipped, with the reason printed.
e2e:
	python3 -c 'import selenium' 2>/dev/null || python3 -m pip install -q selenium || \
		python3 -m pip install -q --break-system-packages selenium || true
	python3 Tests/e2e/wizard_test.py; rc=$$?; \
	if [ $$rc -eq 77 ]; then echo "wizard browser test skipped"; else exit $$rc; fi
	python3 -c 'import axe_selenium_python' 2>/dev/null || python3 -m pip install -q axe-selenium-python || \
		python3 -m pip install -q --break-system-packages axe-selenium-python || true
	python3 Tests/e2e/dashboard_test.py; rc=$$?; \
	if [ $$rc -eq 77 ]; then echo "dashboard browser test skipped"; else exit $$rc; fi
	python3 -c 'import websockets' 2>/dev/null || python3 -m pip install -q websockets || \
		python3 -m pip install -q --break-system-packages websockets || true
	python3 Tests/e2e/websocket_interop_test.py; rc=$$?; \
	if [ $$rc -eq 77 ]; then echo "WebSocket interop test skipped"; else exit $$rc; fi
	python3 -c 'import socketio' 2>/dev/null || python3 -m pip install -q "python-socketio[client]" || \
		python3 -m pip install -q --break-system-packages "python-socketio[client]" || true
	python3 Tests/e2e/socketio_interop_test.py; rc=$$?; \
	if [ $$rc -eq 77 ]; then echo "Socket.IO interop test skipped"; else exit $$rc; fi

test-e2e: deps-test
	$(SWIFT) build --product applianced
	$(MAKE) --no-print-directory e2e

# libFuzzer targets (fuzz/, docs/testing.md "Fuzzing"): one ASan + coverage binary in .build-fuzz/.
fuzz-build: deps
	SWIFT=$(SWIFT) fuzz/build.sh

# Every target for FUZZ_SECONDS each; `make fuzz FUZZ_TARGETS=toml` runs one.
fuzz: fuzz-build
	fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Every target on its seed corpus plus FUZZ_SMOKE_SECONDS of fuzzing: what `make test` runs.
# Its findings go to .build-fuzz/smoke/ (emptied first), so the smoke reads only the committed seeds.
fuzz-smoke: fuzz-build
	rm -rf .build-fuzz/smoke/corpus
	FUZZ_OUT=.build-fuzz/smoke fuzz/run.sh $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

# Two binaries: the daemon (no libav*, no libva) and the sandboxed media helper it runs per busy worker.
# A section per function, and gold lays out together the functions an idle daemon runs
# (image-build/idle-order.txt, made by bench/idle-order.sh), so they fault in as a few dense pages
# instead of a 64 KiB fault-around window each, scattered over 15 MB of code (docs/performance.md).
# A release build made before these flags keeps its objects (swift-frontend skips code generation
# while a module's IR is unchanged): `find .build/release/ -name '*.o' -delete` once to get them.
RELEASE_FLAGS = -c release --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections \
	-Xlinker --section-ordering-file=$(CURDIR)/image-build/idle-order.txt
release: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product applianced
	$(SWIFT) build $(RELEASE_FLAGS) --product applianced-media
	@ls -l .build/release/applianced .build/release/applianced-media

# The flags `release` builds with, for bench/idle-order.sh.
release-flags:
	@echo '$(RELEASE_FLAGS)'

# A bootable x86_64 disk image (GPT, UEFI and BIOS) in image-build/out/applianced-amd64.img.
image: release deps-image
	image-build/build.sh

# Boots that image under qemu (TCG) and checks the first-boot contract; serial logs in image-build/out/.
image-test: image
	image-build/test.sh

format:
	$(SWIFT) format -i -r Sources Tests

clean:
	rm -rf .build .build-fuzz
