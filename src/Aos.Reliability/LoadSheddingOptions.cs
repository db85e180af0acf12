namespace Aos.Reliability;

/// <summary>Configures load shedding by priority.</summary>
/// <remarks>At <see cref="WarningThreshold"/> of <see cref="Capacity"/> a warning is logged; at <see cref="ShedThreshold"/> only critical work is admitted; at capacity nothing is.</remarks>
public sealed class LoadSheddingOptions
{
    /// <summary>Gets or sets how much work may be in flight at once on a node.</summary>
    /// <value>The default is 10,000.</value>
    public int Capacity { get; set; } = 10_000;

    /// <summary>Gets or sets the fraction of capacity at which a warning is logged.</summary>
    /// <value>The default is 0.80.</value>
    public double WarningThreshold { get; set; } = 0.80;

    /// <summary>Gets or sets the fraction of capacity from which low, normal and high priority work is refused.</summary>
    /// <value>The default is 0.95.</value>
    public double ShedThreshold { get; set; } = 0.95;

    /// <summary>Gets or sets how long a refused caller is told to wait.</summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}
