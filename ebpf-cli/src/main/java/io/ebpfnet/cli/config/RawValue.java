package io.ebpfnet.cli.config;

/**
 * One value as a file wrote it.
 *
 * @param text       the value as text ("5", "yes", "co-re")
 * @param tomlType   for TOML files, the value's TOML type ("integer", "boolean", "string", …); null for Netdata's INI
 */
record RawValue(ConfigKey key, String text, String file, int line, String tomlType) {
}
