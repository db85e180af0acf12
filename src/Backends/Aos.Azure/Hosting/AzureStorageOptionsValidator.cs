using Aos.Azure.Storage;
using Microsoft.Extensions.Options;

namespace Aos.Azure.Hosting;

/// <summary>Fails host start when the Azure storage options are not valid, naming each wrong option.</summary>
internal sealed class AzureStorageOptionsValidator : IValidateOptions<AzureStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, AzureStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
