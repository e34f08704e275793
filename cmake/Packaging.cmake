# What `cmake --install` puts where, and the Debian package CPack makes of it (`cpack -G DEB` in the
# build folder; README, "Install from the package"). Installs only the kith executable, its systemd
# unit, the example configuration and the package's maintainer scripts: no test or benchmark.
#
# Layout (with the package's prefix /usr):
#   /usr/bin/kith
#   /usr/lib/systemd/system/kith.service    sandboxed, User=kith; never started by the package
#   /usr/share/doc/kith/examples/kith.example.toml
#   /usr/share/doc/kith/README.md
# The maintainer scripts (packaging/debian/) make the `kith` system user, /etc/kith (root:kith 0750)
# and /var/lib/kith (kith:kith 0700). The example is documentation, not a conffile: it runs the
# terminal adapter with a relative data folder, so installed as /etc/kith/kith.toml it would let
# `systemctl start kith` run a bot connected to nothing, and every release's new comments would
# raise a conffile question on upgrade. The admin writes /etc/kith/kith.toml from it; until then
# the unit's ConditionPathExists keeps the service from starting.
include(GNUInstallDirs)

set(KITH_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
    "Where the systemd unit is installed, relative to the install prefix (/usr in the package)")

# The package's prefix; the unit names the executable by its path there.
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(KITH_INSTALLED_EXE "${CPACK_PACKAGING_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/kith")
install(TARGETS kith RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
configure_file(${PROJECT_SOURCE_DIR}/packaging/kith.service.in ${PROJECT_BINARY_DIR}/packaging/kith.service @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/packaging/kith.service DESTINATION ${KITH_SYSTEMD_UNIT_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/config/kith.example.toml DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kith)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "chat bot that helps the people of an organisation know each other")
set(CPACK_PACKAGE_DESCRIPTION
    "Kith joins a Mattermost or Matrix server and runs small social rituals in its channels: a who's\n"
    "who name quiz, intro pairings and peer recognition. Each team lead gets a weekly picture of how\n"
    "connected their team is, without Kith ever storing what anyone wrote.")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "Kith maintainers <maintainers@users.noreply.h-seed-1372285d.example>" CACHE STRING
    "The Maintainer field of the Debian package")
# The package is built from the normal RelWithDebInfo build: its binary goes in stripped.
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: the shared libraries' packages, computed by dpkg-shlibdeps from the binary (every runtime
# library is a Debian package), plus what the binary and the scripts use that no linker sees:
# adduser for the postinst, tzdata for the IANA time zones (libdate-tz reads /usr/share/zoneinfo).
# The system CA store is recommended: Kith verifies chat servers' certificates with it, unless an
# admin names a private CA with SSL_CERT_FILE.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, tzdata")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ca-certificates")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
# Maintainer scripts must be executable in the package whatever the checkout's modes are.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
