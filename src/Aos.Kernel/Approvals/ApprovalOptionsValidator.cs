using Aos.Kernel.Workflows;
using Microsoft.Extensions.Options;

namespace Aos.Kernel.Approvals;

/// <summary>
/// Refuses an approval retention that could forget a decided approval before a waiting workflow step reads it: a step that missed
/// the decision's notice reads the approval every <see cref="WorkflowOptions.WaitCheckInterval"/>, and finding it gone it would ask
/// for a new one. The retention must be at least twice that interval (and at least a minute).
/// </summary>
/// <param name="workflows">The workflow options, for their wait check interval.</param>
internal sealed class ApprovalOptionsValidator(IOptions<WorkflowOptions> workflows) : IValidateOptions<ApprovalOptions>
{
    private static readonly TimeSpan Minimum = TimeSpan.FromMinutes(1);

    public ValidateOptionsResult Validate(string? name, ApprovalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Retention is not { } retention)
        {
            return ValidateOptionsResult.Success;
        }

        var interval = workflows.Value.WaitCheckInterval;
        var floor = interval * 2 > Minimum ? interval * 2 : Minimum;
        return retention >= floor
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{ApprovalOptions.SectionName}:Retention is {retention}; it must be at least {floor}, twice {WorkflowOptions.SectionName}:WaitCheckInterval ({interval}) "
                + "and at least 00:01:00, so that a workflow step waiting on an approval reads its decision before it is forgotten; or unset it to keep decided approvals for good.");
    }
}
