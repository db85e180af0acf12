using Microsoft.Extensions.Options;

namespace Aos.Kernel.Workflows;

/// <summary>Validates <see cref="WorkflowOptions"/> at start, naming the option that is wrong.</summary>
internal sealed class WorkflowOptionsValidator : IValidateOptions<WorkflowOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkflowOptions options)
    {
        var errors = new List<string>();
        if (options.MaxConcurrentRuns < 0)
        {
            errors.Add($"{WorkflowOptions.SectionName}:{nameof(options.MaxConcurrentRuns)} must be 0 (no limit) or more; it is {options.MaxConcurrentRuns}.");
        }

        if (options.InlinePayloadBytes < 64)
        {
            errors.Add($"{WorkflowOptions.SectionName}:{nameof(options.InlinePayloadBytes)} must be at least 64; it is {options.InlinePayloadBytes}.");
        }

        if (options.ResumeDelay <= TimeSpan.Zero || options.WaitCheckInterval <= TimeSpan.Zero)
        {
            errors.Add($"{WorkflowOptions.SectionName}:{nameof(options.ResumeDelay)} and {nameof(options.WaitCheckInterval)} must be greater than zero; they are {options.ResumeDelay} and {options.WaitCheckInterval}.");
        }

        if (options.HoldCheckInterval < TimeSpan.FromMilliseconds(100) || options.HoldCheckInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"{WorkflowOptions.SectionName}:{nameof(options.HoldCheckInterval)} is {options.HoldCheckInterval}; use 00:00:00.1 to 1.00:00:00 (the default is 00:01:00).");
        }

        if (options.Retention is { } retention && retention < TimeSpan.FromMinutes(1))
        {
            errors.Add($"{WorkflowOptions.SectionName}:{nameof(options.Retention)} is {retention}; keep finished runs at least 00:01:00, or leave it unset to keep them for good.");
        }

        if (options.RunListLimit < 1)
        {
            errors.Add($"{WorkflowOptions.SectionName}:{nameof(options.RunListLimit)} must be at least 1; it is {options.RunListLimit}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
