namespace Aos.Governance;

/// <summary>Names the stores the governance services keep their records in.</summary>
public static class GovernanceStores
{
    /// <summary>Gets the document store of risks and decision records, on whatever backend configuration assigns it.</summary>
    public const string Documents = "aos-governance";
}
