namespace Aos.Security;

/// <summary>Names the document store that holds API keys, local users and token-signing keys.</summary>
/// <remarks>Map it to a shared backend on a cluster (<c>Aos:Storage:Stores:aos-identity:Backend</c>); a PostgreSQL cluster does so by default.</remarks>
public static class AosIdentityStore
{
    /// <summary>Gets the store's name.</summary>
    public const string Name = "aos-identity";
}
