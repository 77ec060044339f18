package dev.hakmem.bench.report;

import java.util.Locale;

/** How the report writes numbers: short, with their unit, and "-" for what JMH could not compute. */
final class Numbers {
    private Numbers() {}

    /** Rates per second scaled to M or k ({@code 97.60 M}); other units with 4 significant digits. */
    static String score(double value, String unit) {
        if (Double.isNaN(value)) return "-";
        if (unit.equals("ops/s")) {
            double a = Math.abs(value);
            if (a >= 1e6) return String.format(Locale.ROOT, "%.2f M", value / 1e6);
            if (a >= 1e3) return String.format(Locale.ROOT, "%.2f k", value / 1e3);
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.4g %s", value, unit);
    }

    /** {@code 1.15x}, or "-" without a reference. */
    static String ratio(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "-" : String.format(Locale.ROOT, "%.2fx", value);
    }

    /** Bytes in MiB ({@code 812.3 MiB}), KiB below one MiB. */
    static String bytes(double value) {
        if (Double.isNaN(value)) return "-";
        if (Math.abs(value) < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", value / 1024);
        return String.format(Locale.ROOT, "%.1f MiB", value / (1024 * 1024));
    }
}
