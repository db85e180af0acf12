# Prints "failed <test>: <start of its message>" for every failed test in the TRX files it reads, so that the tail of a CI log
# names what failed. A TRX file may hold every result on one line: records are split at each result's opening tag.
BEGIN { RS = "<UnitTestResult " }
FNR > 1 && /^[^>]*outcome="Failed"/ {
  name = "?"
  if (match($0, /testName="[^"]*"/)) name = substr($0, RSTART + 10, RLENGTH - 11)
  message = ""
  if (match($0, /<Message>[^<]*/)) message = substr($0, RSTART + 9, RLENGTH - 9)
  gsub(/[\r\n]+/, " ", message)
  print "failed " name ": " substr(message, 1, 800)
}
