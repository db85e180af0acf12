using Aos.Azure.Messaging;
using Microsoft.Extensions.Options;

namespace Aos.Azure.Hosting;

/// <summary>Fails host start when the Service Bus transport options are not valid, naming each wrong option.</summary>
internal sealed class ServiceBusMessageTransportOptionsValidator : IValidateOptions<ServiceBusMessageTransportOptions>
{
    public ValidateOptionsResult Validate(string? name, ServiceBusMessageTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
