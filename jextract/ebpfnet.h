/*
 * The one header jextract reads: everything ebpf-core binds from libbpf and libelf.
 * jextract/symbols.txt narrows the output to the symbols the hand-written layer uses.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <bpf/btf.h>
#include <libelf.h>
#include <gelf.h>
