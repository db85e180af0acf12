namespace Aos.Governance.Policies;

/// <summary>Represents a condition on the time of a system call: the days of the week and a time-of-day window in a time zone.</summary>
public sealed record TimeCondition
{
    /// <summary>Gets the days of the week the condition holds on; empty means every day.</summary>
    public IReadOnlyList<DayOfWeek> Days { get; init; } = [];

    /// <summary>Gets the start of the time-of-day window (inclusive), or <see langword="null"/> for the whole day.</summary>
    public TimeOnly? From { get; init; }

    /// <summary>Gets the end of the time-of-day window (exclusive); a window that ends before it starts spans midnight.</summary>
    public TimeOnly? To { get; init; }

    /// <summary>Gets the id of the time zone the days and the window are read in.</summary>
    /// <value>The default is <c>UTC</c>.</value>
    public string TimeZone { get; init; } = "UTC";
}
