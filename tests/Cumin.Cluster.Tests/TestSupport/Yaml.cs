using YamlDotNet.RepresentationModel;

namespace Cumin.Cluster.Tests.TestSupport;

/// <summary>Reading YAML documents (docker-compose.yml, CloudFormation templates with their short-form tags).</summary>
public static class Yaml
{
    public static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    public static YamlNode? Get(this YamlNode? node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static string? Scalar(this YamlNode? node) => (node as YamlScalarNode)?.Value;

    public static IEnumerable<YamlNode> Items(this YamlNode? node) => node is YamlSequenceNode sequence ? sequence.Children : [];

    public static IEnumerable<(string Key, YamlNode Value)> Entries(this YamlNode? node) =>
        node is YamlMappingNode mapping ? mapping.Children.Select(c => (((YamlScalarNode)c.Key).Value!, c.Value)) : [];

    /// <summary>A mapping with YAML merge keys (<c>&lt;&lt;: *anchor</c> or a list of them) applied; own entries win.</summary>
    public static Dictionary<string, YamlNode> Merged(this YamlNode? node)
    {
        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (key, value) in node.Entries())
        {
            if (key == "<<")
            {
                var sources = value is YamlSequenceNode list ? list.Children : [value];
                foreach (var source in sources)
                {
                    foreach (var (k, v) in source.Merged())
                    {
                        result.TryAdd(k, v);
                    }
                }
            }
        }

        foreach (var (key, value) in node.Entries().Where(e => e.Key != "<<"))
        {
            result[key] = value;
        }

        return result;
    }

    /// <summary>Every node under <paramref name="node"/>, depth first.</summary>
    public static IEnumerable<YamlNode> Descendants(this YamlNode node)
    {
        yield return node;
        var children = node switch
        {
            YamlMappingNode mapping => mapping.Children.SelectMany(c => new[] { c.Key, c.Value }),
            YamlSequenceNode sequence => sequence.Children,
            _ => [],
        };
        foreach (var child in children)
        {
            foreach (var descendant in child.Descendants())
            {
                yield return descendant;
            }
        }
    }
}
