/**
 * JMH benchmarks of the socket collector's hot paths. They live in the collector's own package (in
 * this unpublished module, on the class path) to measure the package-private table builders directly.
 */
package io.ebpfnet.socket;
