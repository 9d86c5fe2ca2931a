/**
 * {@code ./sluice bench report}: the benchmark results drawn as PNG charts.
 * {@link io.sluice.bench.report.BenchReport} is the command line; {@code E2eResults} and
 * {@code JmhResults} read the end-to-end and JMH JSON, {@code ReportCharts} turns them into chart
 * data ({@code ChartSpec}), and {@code ChartRenderer} draws that with XChart. See bench/README.md,
 * "Charts".
 */
package io.sluice.bench.report;
