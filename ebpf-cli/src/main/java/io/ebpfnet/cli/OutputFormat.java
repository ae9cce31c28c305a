package io.ebpfnet.cli;

/** {@code --format}: the text report, one JSON object per line, or Netdata's plugin protocol. */
enum OutputFormat { TABLE, JSON, NETDATA }
