package io.ebpfnet.cli;

import io.ebpfnet.cli.config.AppsGroups;
import io.ebpfnet.socket.groups.SocketGroups;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The group totals the outputs show: without apps_groups.conf's hidden groups ({@code -name:}). Their processes
 * stay theirs (no other group inherits them, and the host totals count them), but no chart, JSON entry or
 * Prometheus series is made for them.
 */
final class ShownGroups {
    private ShownGroups() {
    }

    static SocketGroups.Totals of(SocketGroups.Totals totals, AppsGroups apps) {
        if (apps == null || !apps.hasHidden()) {
            return totals;
        }
        Map<String, long[]> shown = new LinkedHashMap<>(totals.apps());
        shown.keySet().removeIf(apps::isHidden);
        return new SocketGroups.Totals(shown, totals.cgroups(), totals.services());
    }
}
