# Prints "failed <test>: <start of its message>" for every failed test in the TRX files it reads,
# so that the tail of a CI log names what failed.
/<UnitTestResult / && /outcome="Failed"/ {
  match($0, /testName="[^"]*"/)
  name = substr($0, RSTART + 10, RLENGTH - 11)
  state = 1
  message = ""
}
state == 1 && /<Message>/ {
  sub(/.*<Message>/, "")
  state = 2
}
state == 2 {
  done = sub(/<\/Message>.*/, "")
  if (length(message) < 800) message = message " " $0
  if (done) state = 3
  next
}
state && /<\/UnitTestResult>/ {
  print "failed " name ":" substr(message, 1, 800)
  state = 0
}
