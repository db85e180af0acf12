using Microsoft.Extensions.Options;

namespace Aos.Storage;

/// <summary>Checks the named stores at start: valid names, registered backends, a positive dequeue count.</summary>
internal sealed class StorageOptionsValidator(IEnumerable<IStorageProvider> providers) : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var backends = providers.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var failures = new List<string>();
        if (!backends.Contains(options.DefaultBackend))
        {
            failures.Add($"Aos:Storage:DefaultBackend is '{options.DefaultBackend}', which is not registered (registered: {string.Join(", ", backends)}).");
        }

        foreach (var (store, binding) in options.Stores)
        {
            try
            {
                StorageNames.ValidateName(store, "store name");
            }
            catch (AosValidationException ex)
            {
                failures.Add($"Aos:Storage:Stores:{store}: {ex.Message}");
            }

            if (binding.Backend is { } backend && !backends.Contains(backend))
            {
                failures.Add($"Aos:Storage:Stores:{store}:Backend is '{backend}', which is not registered (registered: {string.Join(", ", backends)}); configure its connection (Aos:Storage:{backend}) or pick another backend.");
            }

            if (binding.MaxDequeueCount < 1)
            {
                failures.Add($"Aos:Storage:Stores:{store}:MaxDequeueCount is {binding.MaxDequeueCount}; it must be at least 1.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
