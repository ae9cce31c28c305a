package io.ebpfnet.cli.charts;

import io.ebpfnet.socket.GlobalCounter;

/**
 * One line of a chart: Netdata's dimension id and display name, and the counter it is the rate of.
 *
 * @param sent true for the sent direction, which Netdata draws below zero in bandwidth charts
 */
public record Dimension(String id, String name, GlobalCounter source, boolean sent) {
}
