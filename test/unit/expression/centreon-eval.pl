# Evaluates threshold expressions the way Centreon does: %{name} becomes $values->{name}, then Perl evaluates
# the result. Reads one JSON object {"expr": ..., "vars": {...}} per line, prints 1, 0 or E (error) per line.
use JSON::PP;
my $json = JSON::PP->new->utf8;
$| = 1;
while (my $line = <STDIN>) {
  my $case = $json->decode($line);
  my $values = $case->{vars};
  (my $code = $case->{expr}) =~ s/%\{(.*?)\}/\$values->{$1}/g;
  my $result = eval "no warnings; $code";
  print $@ ? "E\n" : ($result ? "1\n" : "0\n");
}
