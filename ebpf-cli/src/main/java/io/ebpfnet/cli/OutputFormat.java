package io.ebpfnet.cli;

/** {@code --format}: the top-like text report, or one JSON object per line. */
enum OutputFormat { TABLE, JSON }
