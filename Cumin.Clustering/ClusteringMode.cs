namespace Cumin.Clustering;

/// <summary>How silos find each other (configuration <c>Cumin:Orleans:Clustering</c>).</summary>
public enum ClusteringMode
{
    /// <summary>One silo on loopback, membership in memory: <c>make run</c> and single-silo tests.</summary>
    Localhost,

    /// <summary>Orleans's ADO.NET clustering on PostgreSQL (<c>ConnectionStrings:Postgres</c>): any number of silos.</summary>
    AdoNet,
}
