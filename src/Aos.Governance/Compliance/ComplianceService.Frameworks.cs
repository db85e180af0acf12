using System.Text.Json;
using Aos.Storage;

namespace Aos.Governance.Compliance;

/// <summary>Lists, reads, writes and deletes frameworks.</summary>
public sealed partial class ComplianceService
{
    /// <summary>Lists every framework: the built-in ones first, then the custom ones by id.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The frameworks.</returns>
    public async Task<IReadOnlyList<ComplianceFramework>> ListFrameworksAsync(CancellationToken cancellationToken = default) =>
        [.. (await LoadAsync(cancellationToken).ConfigureAwait(false)).Select(f => f.Framework)];

    /// <summary>Gets a framework.</summary>
    /// <param name="id">The framework's id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The framework; <see langword="null"/> when there is none with that id.</returns>
    public async Task<ComplianceFramework?> GetFrameworkAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (BuiltInFrameworks.All.FirstOrDefault(f => f.Framework.Id == id) is { } builtIn)
        {
            return builtIn.Framework;
        }

        return IsStorableId(id) && await Store.GetAsync(Collection, Partition, id, cancellationToken).ConfigureAwait(false) is { } stored
            ? Read(stored)?.Framework
            : null;
    }

    /// <summary>Creates or replaces a custom framework, after checking it whole.</summary>
    /// <param name="framework">The framework; <see cref="ComplianceFramework.BuiltIn"/> is ignored.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The framework as stored, and whether it was created (rather than replaced).</returns>
    /// <exception cref="AosValidationException">A field is not valid (the exception names it and says why); nothing was stored.</exception>
    /// <exception cref="ComplianceFrameworkReadOnlyException">The id is a built-in framework's; nothing was stored.</exception>
    public async Task<(ComplianceFramework Framework, bool Created)> PutFrameworkAsync(ComplianceFramework framework, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(framework);
        ComplianceValidation.ValidateId(framework.Id);
        if (BuiltInFrameworks.IsBuiltIn(framework.Id))
        {
            throw new ComplianceFrameworkReadOnlyException(framework.Id);
        }

        var compiled = ComplianceValidation.Compile(framework with { BuiltIn = false });
        var document = JsonSerializer.SerializeToElement(compiled.Framework, ComplianceJsonContext.Default.ComplianceFramework);
        var existed = await Store.GetAsync(Collection, Partition, framework.Id, cancellationToken).ConfigureAwait(false) is not null;
        await Store.UpsertAsync(Collection, Partition, framework.Id, document, cancellationToken: cancellationToken).ConfigureAwait(false);
        return (compiled.Framework, !existed);
    }

    /// <summary>Deletes a custom framework.</summary>
    /// <param name="id">The framework's id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when it was deleted; <see langword="false"/> when there was none.</returns>
    /// <exception cref="ComplianceFrameworkReadOnlyException">The id is a built-in framework's; nothing was deleted.</exception>
    public async Task<bool> DeleteFrameworkAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (BuiltInFrameworks.IsBuiltIn(id))
        {
            throw new ComplianceFrameworkReadOnlyException(id);
        }

        return IsStorableId(id) && await Store.DeleteAsync(Collection, Partition, id, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads the built-in frameworks and the custom ones, compiled; a stored framework that no longer compiles is skipped.</summary>
    private async Task<List<CompiledFramework>> LoadAsync(CancellationToken cancellationToken)
    {
        var frameworks = new List<CompiledFramework>(BuiltInFrameworks.All);
        await foreach (var stored in Store.QueryAsync(Collection, Partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (Read(stored) is { } compiled)
            {
                frameworks.Add(compiled);
            }
        }

        return frameworks;
    }

    private static CompiledFramework? Read(StoredDocument stored)
    {
        try
        {
            return stored.Document.Deserialize(ComplianceJsonContext.Default.ComplianceFramework) is { } framework
                ? ComplianceValidation.Compile(framework with { BuiltIn = false })
                : null;
        }
        catch (Exception e) when (e is JsonException or AosValidationException)
        {
            // Written by an older or newer AOS with other rules: left out rather than failing every summary.
            return null;
        }
    }

    private static bool IsStorableId(string id)
    {
        try
        {
            ComplianceValidation.ValidateId(id);
            return true;
        }
        catch (AosValidationException)
        {
            return false;
        }
    }
}
