// Runs Jena's own command-line tool arq.sparql once per job, in one JVM: the JVM start with
// Jena's classes (seconds on a busy machine) is paid once for every query and result format
// of tests/jena/test_result_formats_with_jena.py instead of once per answer. Each job is the
// tool's main() with the arguments a shell would give it, its standard output captured in a
// file: what is compared is what `arq.sparql --data FILE --query FILE --results FMT` writes.
//
// Usage: java -cp JENA_CLASSPATH ArqBatch.java DATA FOLDER
// FOLDER/jobs.txt holds one job a line, "NAME FMT"; the query is FOLDER/NAME.rq, the answer
// is written to FOLDER/NAME.FMT.out.
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

public class ArqBatch {
    public static void main(String[] args) throws Exception {
        String data = args[0];
        Path folder = Paths.get(args[1]);
        PrintStream stdout = System.out;
        for (String line : Files.readAllLines(folder.resolve("jobs.txt"), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            String[] job = line.trim().split(" ");
            String query = folder.resolve(job[0] + ".rq").toString();
            try (PrintStream out = new PrintStream(
                    new FileOutputStream(folder.resolve(job[0] + "." + job[1] + ".out").toFile()),
                    true)) {
                System.setOut(out);
                arq.sparql.main("--data", data, "--query", query, "--results", job[1]);
                System.out.flush();
            } finally {
                System.setOut(stdout);
            }
        }
    }
}
