using Microsoft.Extensions.Options;

namespace Aos.Kernel;

/// <summary>Validates <see cref="KernelOptions"/> at start, naming the option that is wrong.</summary>
internal sealed class KernelOptionsValidator : IValidateOptions<KernelOptions>
{
    public ValidateOptionsResult Validate(string? name, KernelOptions options)
    {
        var errors = new List<string>();
        Positive(options.IdleTimeout, nameof(options.IdleTimeout));
        Positive(options.TurnTimeout, nameof(options.TurnTimeout));
        Positive(options.DefaultRequestTimeout, nameof(options.DefaultRequestTimeout));
        if (options.RetryBaseDelay < TimeSpan.Zero)
        {
            errors.Add($"{KernelOptions.SectionName}:{nameof(options.RetryBaseDelay)} must not be negative.");
        }

        AtLeastOne(options.MaxAttempts, nameof(options.MaxAttempts));
        AtLeastOne(options.HistoryLimit, nameof(options.HistoryLimit));
        AtLeastOne(options.MemoryLimit, nameof(options.MemoryLimit));
        AtLeastOne(options.DecisionLimit, nameof(options.DecisionLimit));
        AtLeastOne(options.GoalLimit, nameof(options.GoalLimit));
        AtLeastOne(options.MaxPayloadBytes, nameof(options.MaxPayloadBytes));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Positive(TimeSpan value, string option)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{KernelOptions.SectionName}:{option} must be greater than zero; it is {value}.");
            }
        }

        void AtLeastOne(int value, string option)
        {
            if (value < 1)
            {
                errors.Add($"{KernelOptions.SectionName}:{option} must be at least 1; it is {value}.");
            }
        }
    }
}
