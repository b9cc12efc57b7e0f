// Runs every .rq file in a folder against one TDB2 database in one JVM, writing each answer
// as SPARQL JSON results (NAME.srj) or the error (NAME.err) beside it. One JVM start (about a
// second) for the whole catalogue instead of one per query. The default graph is the union of
// the named graphs, as in dutygraph's stores. A query's FROM clauses name graphs of the
// database, as on the embedded store. Handed a dataset, Jena ignored the FROM clauses (it read
// the whole union), and handed a dynamic dataset with the FROM clauses left in the query it
// answered nothing; so the runner builds the dynamic dataset from them, as Fuseki does for
// FROM and default-graph-uri, and takes them out of the query. A query that fails to parse or
// run is written as NAME.err; the others still run.
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.apache.jena.query.Dataset;
import org.apache.jena.query.DatasetFactory;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.query.ReadWrite;
import org.apache.jena.tdb2.TDB2;
import org.apache.jena.tdb2.TDB2Factory;
import org.apache.jena.sparql.core.DatasetDescription;
import org.apache.jena.sparql.core.DynamicDatasets;

public class QueryRunner {
    public static void main(String[] args) throws Exception {
        Dataset dataset = TDB2Factory.connectDataset(args[0]);
        dataset.getContext().set(TDB2.symUnionDefaultGraph, true);
        Path folder = Paths.get(args[1]);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.rq")) {
            for (Path file : files) {
                String name = file.getFileName().toString().replaceAll("\\.rq$", "");
                String text = Files.readString(file, StandardCharsets.UTF_8);
                dataset.begin(ReadWrite.READ);
                try {
                    Query query = QueryFactory.create(text);
                    Dataset target = query.hasDatasetDescription()
                        ? DatasetFactory.wrap(DynamicDatasets.dynamicDataset(
                            DatasetDescription.create(query), dataset.asDatasetGraph(), false))
                        : dataset;
                    query.getGraphURIs().clear();
                    query.getNamedGraphURIs().clear();
                    try (QueryExecution exec = QueryExecutionFactory.create(query, target);
                         OutputStream out = new FileOutputStream(
                            folder.resolve(name + ".srj").toFile())) {
                        ResultSetFormatter.outputAsJSON(out, exec.execSelect());
                    }
                } catch (Exception e) {
                    try (PrintWriter err = new PrintWriter(
                            folder.resolve(name + ".err").toFile(), "UTF-8")) {
                        err.println(e);
                    }
                } finally {
                    dataset.end();
                }
            }
        }
    }
}
