namespace Aos.Kernel.StateMachines;

/// <summary>Configures the state machine instances the kernel hosts. Bound from <c>Aos:StateMachines</c>.</summary>
public sealed class StateMachineOptions
{
    /// <summary>Gets the configuration section the options are bound from.</summary>
    public const string SectionName = "Aos:StateMachines";

    /// <summary>
    /// Gets or sets how long a completed instance (one in a terminal state) is kept after its last change; then it is forgotten: its
    /// state is removed and it leaves its machine's instance list, and reading it or sending it events answers as for an instance that
    /// never was. <see langword="null"/> keeps completed instances for good.
    /// </summary>
    /// <value>The default is <see langword="null"/>: instances are kept.</value>
    public TimeSpan? Retention { get; set; }
}
