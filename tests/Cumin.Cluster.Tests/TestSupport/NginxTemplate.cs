using System.Text.RegularExpressions;

namespace Cumin.Cluster.Tests.TestSupport;

/// <summary>
/// deploy/nginx/nginx.conf.template, the one NGINX configuration of compose and <c>make cluster</c>, filled in as the
/// nginx image's entrypoint fills it in (envsubst of the variables it is given; any other <c>${...}</c> is left).
/// </summary>
public static partial class NginxTemplate
{
    public static string RelativePath => "deploy/nginx/nginx.conf.template";

    public static string Text => File.ReadAllText(Repository.PathOf(RelativePath.Split('/')));

    public static string Render(IEnumerable<KeyValuePair<string, string>> variables)
    {
        var values = variables.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        return Variable().Replace(Text, m => values.TryGetValue(m.Groups["name"].Value, out var value) ? value : m.Value);
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Variable();
}
