package io.ebpfnet.core;

import io.ebpfnet.core.testing.KernelPrograms;
import io.ebpfnet.core.testing.KernelTests;
import io.ebpfnet.core.testing.TestObjects;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An object nobody closed does not keep its programs attached for the life of the JVM. */
class ForgottenObjectKernelTest {
    @Test
    void theCleanerDetachesAndFreesAnObjectThatWasNeverClosed() throws Exception {
        KernelTests.requireBpf();
        long before = KernelPrograms.heldByThisProcess();
        WeakReference<BpfObject> forgotten = openAndAttachThenForget();
        assertTrue(KernelPrograms.heldByThisProcess() > before, "the program and its link are held while reachable");
        for (int i = 0; i < 200 && KernelPrograms.heldByThisProcess() > before; i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertTrue(forgotten.get() == null, "the object became unreachable");
        assertEquals(before, KernelPrograms.heldByThisProcess(), "programs and links of the forgotten object");
    }

    @Test
    void closingTwiceAndClosingALinkAfterItsObjectAreHarmless() {
        KernelTests.requireBpf();
        long before = KernelPrograms.heldByThisProcess();
        BpfObject obj = TestObjects.testPrograms();
        obj.program("count_tp_btf").setAutoload(true);
        obj.load();
        BpfLink link = obj.program("count_tp_btf").attach();
        obj.close();
        link.close();
        obj.close();
        assertEquals(before, KernelPrograms.heldByThisProcess());
    }

    private static WeakReference<BpfObject> openAndAttachThenForget() {
        BpfObject obj = TestObjects.testPrograms();
        obj.program("count_tp_btf").setAutoload(true);
        obj.load();
        obj.program("count_tp_btf").attach();
        return new WeakReference<>(obj);
    }
}
