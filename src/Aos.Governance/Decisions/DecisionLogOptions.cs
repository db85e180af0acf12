namespace Aos.Governance.Decisions;

/// <summary>Configures how long the decision log keeps decisions. Bound from <c>Aos:Governance:Decisions</c>.</summary>
public sealed class DecisionLogOptions
{
    /// <summary>Gets the configuration section the options are bound from.</summary>
    public const string SectionName = "Aos:Governance:Decisions";

    /// <summary>
    /// Gets or sets how long a decision is kept after its time; then <see cref="DecisionPruner"/> removes it. <see langword="null"/> keeps
    /// decisions for good, as a governance record often must be: set it only where the records are kept elsewhere or need not outlive it.
    /// </summary>
    /// <value>The default is <see langword="null"/>: decisions are kept.</value>
    public TimeSpan? Retention { get; set; }

    /// <summary>Gets or sets how often each node removes the decisions past the retention.</summary>
    /// <value>The default is 1 hour.</value>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Checks the options, naming the one that is wrong.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A retention under a minute, or an interval that is not positive.</exception>
    internal void Validate()
    {
        if (Retention is { } retention && retention < TimeSpan.FromMinutes(1))
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(
                SectionName, typeof(DecisionLogOptions), [$"{SectionName}:Retention is {retention}; keep decisions at least 00:01:00, or leave it unset to keep them for good."]);
        }

        if (PruneInterval <= TimeSpan.Zero)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(
                SectionName, typeof(DecisionLogOptions), [$"{SectionName}:PruneInterval is {PruneInterval}; use a positive time span such as 01:00:00 (the default)."]);
        }
    }
}
