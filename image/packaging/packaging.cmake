# Install rules and the Debian packages (CPack DEB), included by the top-level CMakeLists.txt:
#   guichet      the kiosk, guichetctl, the assets in /usr/share/guichet, /etc/guichet/guichet.toml,
#                guichet.service (cage on tty1), the guichet system user, state in /var/lib/guichet
#   guichet-hub  the reference hub, guichet-hub.service, the guichet-hub system user, /var/lib/guichet-hub
# Built and checked by scripts/check-package.sh; `cpack -G DEB` in a build directory makes both.
include(GNUInstallDirs)

set(packaging_dir ${PROJECT_SOURCE_DIR}/image/packaging)
set(packaging_out ${PROJECT_BINARY_DIR}/packaging)
set(guichet_share ${CMAKE_INSTALL_FULL_DATADIR}/guichet)

# [kiosk] programs, assets, configuration, unit, PAM session
install(TARGETS guichet guichetctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT kiosk)
install(PROGRAMS ${packaging_dir}/guichet-provision DESTINATION ${CMAKE_INSTALL_SBINDIR} COMPONENT kiosk)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/assets/ DESTINATION ${CMAKE_INSTALL_DATADIR}/guichet COMPONENT kiosk
  PATTERN config EXCLUDE)

# The packaged configuration is the documented template with the installed assets' folder filled in.
file(READ ${PROJECT_SOURCE_DIR}/assets/config/guichet.toml config_text)
string(REGEX REPLACE "# assets_dir = [^\n]*" "assets_dir = \"${guichet_share}\"  # the packaged assets: strings/, themes/, procedures/, data/"
  config_text "${config_text}")
file(WRITE ${packaging_out}/guichet.toml "${config_text}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/assets/config/guichet.toml)
install(FILES ${packaging_out}/guichet.toml DESTINATION /etc/guichet COMPONENT kiosk)
install(FILES ${PROJECT_SOURCE_DIR}/image/default/guichet DESTINATION /etc/default COMPONENT kiosk)
install(FILES ${PROJECT_SOURCE_DIR}/image/pam/guichet-kiosk DESTINATION /etc/pam.d COMPONENT kiosk)
install(FILES ${PROJECT_SOURCE_DIR}/image/systemd/guichet.service DESTINATION /lib/systemd/system COMPONENT kiosk)

# [hub] program, settings, unit
install(TARGETS guichet-hub RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT hub)
install(FILES ${PROJECT_SOURCE_DIR}/image/default/guichet-hub DESTINATION /etc/default COMPONENT hub)
install(FILES ${PROJECT_SOURCE_DIR}/image/systemd/guichet-hub.service DESTINATION /lib/systemd/system COMPONENT hub)

# [docs] Debian wants a copyright file and a compressed changelog in each package's doc folder.
# A native package (no Debian revision): the changelog is changelog.gz.
file(MAKE_DIRECTORY ${packaging_out}/doc)
configure_file(${packaging_dir}/changelog ${packaging_out}/doc/changelog @ONLY)
execute_process(COMMAND gzip -9nf ${packaging_out}/doc/changelog COMMAND_ERROR_IS_FATAL ANY)
foreach(package_component guichet:kiosk guichet-hub:hub)
  string(REPLACE ":" ";" pair ${package_component})
  list(GET pair 0 package)
  list(GET pair 1 component)
  install(FILES ${packaging_dir}/copyright ${packaging_out}/doc/changelog.gz
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${package} COMPONENT ${component})
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/guichet COMPONENT kiosk)
install(FILES ${PROJECT_SOURCE_DIR}/sync/hub/README.md DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/guichet-hub COMPONENT hub)
# The operations guide (PostgreSQL, replica, backups, nginx) and its nginx example, as the guide names it.
install(FILES ${PROJECT_SOURCE_DIR}/docs/hub-operations.md DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/guichet-hub COMPONENT hub)
install(FILES ${PROJECT_SOURCE_DIR}/image/nginx/guichet-hub.conf DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/guichet-hub/examples
  RENAME nginx-guichet-hub.conf COMPONENT hub)

# [CPack]
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME guichet)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_PACKAGE_CONTACT "Guichet maintainers <guichet@example.org>")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL kiosk hub)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON) # dpkg-shlibdeps: the Debian library packages the binaries link
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)

set(CPACK_DEBIAN_KIOSK_PACKAGE_NAME guichet)
set(CPACK_DEBIAN_KIOSK_PACKAGE_SECTION x11)
# cage runs the kiosk; the font and the voice's data are read at run time; pam_systemd opens the seat.
set(CPACK_DEBIAN_KIOSK_PACKAGE_DEPENDS "adduser, cage, fonts-noto-core, espeak-ng-data, libpam-systemd")
set(CPACK_DEBIAN_KIOSK_PACKAGE_SUGGESTS "guichet-hub")
# CPack indents the extended description itself: no leading space here; "." separates paragraphs.
set(CPACK_COMPONENT_KIOSK_DESCRIPTION "offline-capable public-service kiosk
Guichet guides a citizen through an administrative procedure, one question
per screen, with voice guidance, large text and high contrast. Submissions
are sealed for the administration and queued on the kiosk until the network
allows sending them to the hub.
.
This package holds the kiosk (guichet), the technician's command line
(guichetctl), the procedures, strings and themes, and guichet.service, which
runs the kiosk under the cage Wayland compositor on tty1 with the systemd
watchdog.")
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_EXTRA
  "${packaging_dir}/guichet/postinst;${packaging_dir}/guichet/prerm;${packaging_dir}/guichet/postrm;${packaging_dir}/guichet/conffiles")

set(CPACK_DEBIAN_HUB_PACKAGE_NAME guichet-hub)
set(CPACK_DEBIAN_HUB_PACKAGE_SECTION net)
set(CPACK_DEBIAN_HUB_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_HUB_PACKAGE_SUGGESTS "postgresql, nginx")
set(CPACK_COMPONENT_HUB_DESCRIPTION "reference server for Guichet kiosks
The hub receives the sealed submissions that Guichet kiosks deliver (sync
protocol v1 over HTTP or HTTPS), stores them in SQLite or PostgreSQL and
exports them for the administration, which alone holds the key that opens
them. It also enrolls kiosks and creates the submission key pair.
.
This package holds guichet-hub and guichet-hub.service.")
set(CPACK_DEBIAN_HUB_PACKAGE_CONTROL_EXTRA
  "${packaging_dir}/guichet-hub/postinst;${packaging_dir}/guichet-hub/prerm;${packaging_dir}/guichet-hub/postrm;${packaging_dir}/guichet-hub/conffiles")

include(CPack)
