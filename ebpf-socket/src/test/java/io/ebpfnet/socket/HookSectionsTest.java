package io.ebpfnet.socket;

import io.ebpfnet.core.BpfObject;
import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.socket.internal.ProgramSet;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every hook the collector can ask for is a program of its object whose section names the hook's target,
 * in every attach mode, load mode and option; and the check the collector runs at start names a mismatch.
 */
class HookSectionsTest {
    private static BpfObject object(AttachMode mode) {
        // Opening parses the ELF only: no privileges needed.
        return mode == AttachMode.LEGACY
                ? BpfObject.open(SocketCollector.class.getResourceAsStream(SocketCollector.LEGACY_OBJECT), "socket_legacy")
                : BpfObject.open(SocketCollector.class.getResourceAsStream(SocketCollector.OBJECT), "socket");
    }

    @Test
    void everyHookOfEveryModeIsInItsSection() {
        int checked = 0;
        for (AttachMode mode : AttachMode.values()) {
            try (BpfObject obj = object(mode)) {
                for (LoadMode load : LoadMode.values()) {
                    for (boolean connections : new boolean[] {false, true}) {
                        for (boolean retransmitErrors : new boolean[] {false, true}) {
                            for (boolean mapIterators : new boolean[] {false, true}) {
                                List<ProgramSet.Hook> hooks = ProgramSet.hooks(mode, load, connections && mode != AttachMode.LEGACY,
                                        retransmitErrors, mapIterators && mode != AttachMode.LEGACY);
                                assertEquals(List.of(), ProgramSet.sectionDifferences(obj, hooks), mode + "/" + load);
                                checked += hooks.size();
                            }
                        }
                    }
                }
            }
        }
        assertTrue(checked > 200, "hooks checked: " + checked);
    }

    @Test
    void aHookOnAnotherTargetOrWithoutItsProgramIsNamed() {
        try (BpfObject obj = object(AttachMode.TRAMPOLINE)) {
            List<ProgramSet.Hook> wrong = new ArrayList<>();
            wrong.add(new ProgramSet.Hook("tramp_tcp_close", "tcp_cleanup_rbuf", ProgramSet.Target.FUNCTION));
            wrong.add(new ProgramSet.Hook("tramp_tcp_clsoe", "tcp_close", ProgramSet.Target.FUNCTION));
            List<String> d = ProgramSet.sectionDifferences(obj, wrong);
            assertEquals(2, d.size(), d.toString());
            assertTrue(d.get(0).startsWith("tramp_tcp_close is in section fentry/tcp_close, not on tcp_cleanup_rbuf"), d.get(0));
            assertEquals("no program tramp_tcp_clsoe in socket", d.get(1));
        }
    }
}
