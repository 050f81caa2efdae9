namespace Cumin.Cluster.Tests.TestSupport;

/// <summary>Where the repository and the programs built from it are, seen from the test assembly.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>Release or Debug: whatever this test assembly was built as, so the programs match it.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    /// <summary>The DLL a project builds, e.g. <c>Program("Cumin.Silo")</c>.</summary>
    public static string Program(string project)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", project + ".dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is not built; build the solution ({Configuration}) first.", path);
    }

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cumin.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cumin.sln not found above " + AppContext.BaseDirectory);
    }
}
