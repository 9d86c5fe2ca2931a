package io.sluice.bench.report;

/**
 * A results file the report cannot use: missing, not JSON, or without a field it needs. The
 * message names the file, the entry and the field, and is what the command prints.
 */
public final class ReportInputException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong and where.
     */
    public ReportInputException(final String message)
    {
        super(message);
    }
}
