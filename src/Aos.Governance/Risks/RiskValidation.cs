namespace Aos.Governance.Risks;

/// <summary>Checks the fields of risks and mitigations, naming the field that is wrong.</summary>
internal static class RiskValidation
{
    private static readonly TimeSpan MaxInterval = TimeSpan.FromDays(3650);

    public static void Rating(int value, string field)
    {
        if (value is < 1 or > 5)
        {
            throw new AosValidationException($"The {field} must be 1 to 5; it was {value}.") { Field = field };
        }
    }

    public static string? Text(string? value, string field, int maxLength, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? throw new AosValidationException($"The {field} is required.") { Field = field } : null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length > maxLength)
        {
            throw new AosValidationException($"The {field} is at most {maxLength} characters; it has {trimmed.Length}.") { Field = field, TooLarge = true };
        }

        return trimmed;
    }

    public static TimeSpan Interval(TimeSpan interval) =>
        interval >= TimeSpan.FromHours(1) && interval <= MaxInterval
            ? interval
            : throw new AosValidationException($"The review interval must be 1 hour to 3650 days; it was {interval}.") { Field = "reviewInterval" };
}
