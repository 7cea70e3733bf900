# cmake --install and the Debian package (scripts/package): binaries in bin/, the schemas and
# examples in share/cimbus/, the adapters' configurations in /etc/cimbus (their stores under
# /var/lib/cimbus), the systemd unit template, and the maintainer scripts of deploy/debian/.
# The usual places unless told otherwise: /usr (and so /etc for the configurations).
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX /usr CACHE PATH "Install prefix" FORCE)
endif()
include(GNUInstallDirs)

install(TARGETS cimbus_cli cimbus-cis cimbus-oms cimbus-wms cimbus-adapter cimbus-storm RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/schemas/ DESTINATION ${CMAKE_INSTALL_DATADIR}/cimbus/schemas
        FILES_MATCHING PATTERN "*.xsd" PATTERN "*.md" PATTERN "manifest.txt")
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/decisions/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/decisions)

# The configurations of deploy/, as installed: their stores in the state directory that the unit
# gives the adapters (the rest of /etc and /usr is read-only to them). Also as examples.
foreach(role cis oms wms)
  file(READ ${PROJECT_SOURCE_DIR}/deploy/${role}.json config)
  string(REGEX REPLACE "\"store\": \"([^\"/]*)\"" "\"store\": \"/var/lib/cimbus/\\1\"" config "${config}")
  file(WRITE ${CMAKE_BINARY_DIR}/etc/cimbus/${role}.json "${config}")
  configure_file(${PROJECT_SOURCE_DIR}/deploy/${role}.json ${CMAKE_BINARY_DIR}/examples/${role}.json COPYONLY)
endforeach()
install(FILES ${CMAKE_BINARY_DIR}/etc/cimbus/cis.json ${CMAKE_BINARY_DIR}/etc/cimbus/oms.json ${CMAKE_BINARY_DIR}/etc/cimbus/wms.json
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/cimbus PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
install(DIRECTORY ${CMAKE_BINARY_DIR}/examples/ DESTINATION ${CMAKE_INSTALL_DATADIR}/cimbus/examples)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/systemd/cimbus-adapter@.service DESTINATION lib/systemd/system)

# The Debian package.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME cimbus)
set(CPACK_PACKAGE_VENDOR "cimbus")
set(CPACK_PACKAGE_CONTACT "cimbus maintainers <cimbus@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "IEC 61968 messages between CIS, OMS and WMS over an AMQP 1.0 broker")
set(CPACK_PACKAGE_DESCRIPTION "Adapters for a utility's customer information, outage management and work management systems:\n the customer operations interfaces of IEC 61968-8 and the maintenance and construction interfaces of\n IEC 61968-6 in the IEC 61968-100 envelope, over RabbitMQ, ActiveMQ or Artemis.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)  # the build's line tables stay in build/, not in the package
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
file(WRITE ${CMAKE_BINARY_DIR}/debian/conffiles "/etc/cimbus/cis.json\n/etc/cimbus/oms.json\n/etc/cimbus/wms.json\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/deploy/debian/postinst ${PROJECT_SOURCE_DIR}/deploy/debian/prerm ${PROJECT_SOURCE_DIR}/deploy/debian/postrm
    ${CMAKE_BINARY_DIR}/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
