namespace Aos.Governance.Policies;

/// <summary>Configures the <see cref="PolicyReloader"/>. Bound from <c>Aos:Governance:Policies</c> by the host.</summary>
public sealed class PolicyReloadOptions
{
    /// <summary>Gets the configuration section the host binds the options from.</summary>
    public const string SectionName = "Aos:Governance:Policies";

    /// <summary>Gets or sets how often the stored policies (and the policy directory) are read again, to pick up changes made on other nodes.</summary>
    /// <value>The default is 5 seconds. A write through this node's <see cref="PolicyReloader"/> installs at once.</value>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets a directory of policy files (<c>*.json</c>, <c>*.yaml</c>, <c>*.yml</c>) installed beside the stored policies.</summary>
    /// <value>The default is <see langword="null"/>: only stored policies. A file's policy name may not be the name of a stored policy.</value>
    public string? Directory { get; set; }

    /// <summary>Throws when an option is out of range, naming it.</summary>
    /// <exception cref="AosValidationException">An option is invalid.</exception>
    public void Validate()
    {
        if (RefreshInterval <= TimeSpan.Zero)
        {
            throw new AosValidationException(
                $"{SectionName}:RefreshInterval is {RefreshInterval}; use a positive time span such as 00:00:05 (the default).") { Field = nameof(RefreshInterval) };
        }

        if (Directory is { Length: > 0 } directory && !System.IO.Directory.Exists(directory))
        {
            throw new AosValidationException($"{SectionName}:Directory '{directory}' does not exist: create it or leave the option out.") { Field = nameof(Directory) };
        }
    }
}
