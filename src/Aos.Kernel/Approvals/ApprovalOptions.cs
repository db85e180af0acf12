namespace Aos.Kernel.Approvals;

/// <summary>Configures the approvals the kernel hosts. Bound from <c>Aos:Approvals</c>.</summary>
public sealed class ApprovalOptions
{
    /// <summary>Gets the configuration section the options are bound from.</summary>
    public const string SectionName = "Aos:Approvals";

    /// <summary>
    /// Gets or sets how long an approval that is no longer pending (approved, denied, expired) is kept after its last change; then it is
    /// forgotten: its state is removed, and reading or deciding it answers as for an approval that never was. <see langword="null"/>
    /// keeps decided approvals for good.
    /// </summary>
    /// <remarks>
    /// A workflow step that waits on an approval is told when it is decided, and checks every <c>Aos:Workflows:WaitCheckInterval</c> in
    /// case that notice was lost; the retention must be at least twice that interval (and at least a minute), or the node refuses to start.
    /// </remarks>
    /// <value>The default is <see langword="null"/>: approvals are kept.</value>
    public TimeSpan? Retention { get; set; }
}
