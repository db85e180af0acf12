using Aos.Nats.Messaging;
using Microsoft.Extensions.Options;

namespace Aos.Nats.Hosting;

/// <summary>Fails host start when the NATS transport options are not valid, naming each wrong option.</summary>
internal sealed class NatsMessageTransportOptionsValidator : IValidateOptions<NatsMessageTransportOptions>
{
    public ValidateOptionsResult Validate(string? name, NatsMessageTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
