namespace Aos.Kernel.Workflows;

/// <summary>Configures the workflow runner. Bound from <c>Aos:Workflows</c>.</summary>
public sealed class WorkflowOptions
{
    /// <summary>Gets the configuration section the options are bound from.</summary>
    public const string SectionName = "Aos:Workflows";

    /// <summary>Gets or sets how many runs may be running at once in the cluster (waiting on a timer or a person counts); more are queued by priority. 0 means no limit.</summary>
    /// <value>The default is 100.</value>
    public int MaxConcurrentRuns { get; set; } = 100;

    /// <summary>Gets or sets the size above which an input or a step result is stored apart, by content hash under its run, and the run keeps only the hash.</summary>
    /// <value>The default is 4 KiB.</value>
    public int InlinePayloadBytes { get; set; } = 4096;

    /// <summary>Gets or sets how soon after a node's failure a step that was executing in it is resumed: the longest a run waits to notice.</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan ResumeDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how often a step waiting on another object (an approval, a child run, an agent's reply) checks it, in case a notice was lost in a crash.</summary>
    /// <value>The default is 1 hour.</value>
    public TimeSpan WaitCheckInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how often a step whose message or child run a policy holds for approval asks again whether the approval was decided.</summary>
    /// <value>The default is 1 minute.</value>
    public TimeSpan HoldCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how long a finished run (completed, failed or cancelled) is kept after it finished; then it is forgotten: its state
    /// is removed, and reading, waiting for or cancelling it answers as for a run that never was. <see langword="null"/> keeps runs for good.
    /// </summary>
    /// <remarks>
    /// A run is forgotten only once nothing is owed for it (its parent run was told how it ended, its slot was given back). Its large
    /// payloads (<see cref="InlinePayloadBytes"/>) are deleted with it.
    /// </remarks>
    /// <value>The default is <see langword="null"/>: runs are kept.</value>
    public TimeSpan? Retention { get; set; }

    /// <summary>Gets or sets how many runs the run list remembers (the newest).</summary>
    /// <value>The default is 100,000.</value>
    public int RunListLimit { get; set; } = 100_000;
}
