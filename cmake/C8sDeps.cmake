# Finds each library with pkg-config; a missing one stops the build with the Debian package to
# install (scripts/install-deps.sh installs them all).
find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
    message(FATAL_ERROR "pkg-config not found: apt-get install pkg-config "
                        "(or run scripts/install-deps.sh)")
endif()

function(c8s_require_pkg target module debian_package)
    pkg_check_modules(${target} QUIET IMPORTED_TARGET ${module})
    if(NOT ${target}_FOUND)
        message(FATAL_ERROR "${module} not found: apt-get install ${debian_package} "
                            "(or run scripts/install-deps.sh)")
    endif()
endfunction()

c8s_require_pkg(JANSSON jansson libjansson-dev)
c8s_require_pkg(YAML yaml-0.1 libyaml-dev)
c8s_require_pkg(CURL libcurl libcurl4-openssl-dev)
c8s_require_pkg(UV libuv libuv1-dev)
c8s_require_pkg(MHD libmicrohttpd libmicrohttpd-dev)
c8s_require_pkg(RAFT raft libraft-dev)
c8s_require_pkg(GNUTLS gnutls libgnutls28-dev)
if(C8S_TESTS)
    c8s_require_pkg(CMOCKA cmocka libcmocka-dev)
endif()
find_package(Threads REQUIRED)
