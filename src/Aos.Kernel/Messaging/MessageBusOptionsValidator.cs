using Aos.Messaging;
using Microsoft.Extensions.Options;

namespace Aos.Kernel.Messaging;

/// <summary>Refuses invalid bus options at start, naming each option that is wrong.</summary>
internal sealed class MessageBusOptionsValidator : IValidateOptions<MessageBusOptions>
{
    public ValidateOptionsResult Validate(string? name, MessageBusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
