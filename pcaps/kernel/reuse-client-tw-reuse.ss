# ss -tanoH snapshots of reuse-client-tw-reuse: "@ CHECKPOINT SIDE START_US END_US MS LABEL", then what ss printed
@ 1 client 1795269909772354 1795269909785907 100 SYN on its way to the tap
SYN-SENT 0      1      192.0.2.1:40000 192.0.2.2:8080 timer:(on,880ms,0)
@ 1 server 1795269909785907 1795269909803217 100 SYN on its way to the tap
LISTEN 0      512    192.0.2.2:8080 0.0.0.0:*
@ 2 client 1795269909964337 1795269909979090 300 SYN delivered, SYN+ACK on its way
SYN-SENT 0      1      192.0.2.1:40000 192.0.2.2:8080 timer:(on,696ms,0)
@ 2 server 1795269909979090 1795269909991364 300 SYN delivered, SYN+ACK on its way
LISTEN   0      512    192.0.2.2:8080   0.0.0.0:*    
SYN-RECV 0      0      192.0.2.2:8080 192.0.2.1:40000 timer:(on,880ms,0)
@ 3 client 1795269910164424 1795269910175294 500 SYN+ACK delivered, the handshake's ACK on its way
ESTAB 0      100    192.0.2.1:40000 192.0.2.2:8080 timer:(on,900ms,0)
@ 3 server 1795269910175294 1795269910195154 500 SYN+ACK delivered, the handshake's ACK on its way
LISTEN   0      512    192.0.2.2:8080   0.0.0.0:*    
SYN-RECV 0      0      192.0.2.2:8080 192.0.2.1:40000 timer:(on,680ms,0)
@ 4 client 1795269910660913 1795269910675221 1000 established, data exchanged
ESTAB 0      0      192.0.2.1:40000 192.0.2.2:8080
@ 4 server 1795269910675221 1795269910691222 1000 established, data exchanged
LISTEN 0      512    192.0.2.2:8080   0.0.0.0:*    
ESTAB  0      0      192.0.2.2:8080 192.0.2.1:40000
@ 5 client 1795269911268174 1795269911283318 1600 client FIN on its way
FIN-WAIT-1 0      1      192.0.2.1:40000 192.0.2.2:8080 timer:(on,892ms,0)
@ 5 server 1795269911283318 1795269911299266 1600 client FIN on its way
LISTEN 0      512    192.0.2.2:8080   0.0.0.0:*    
ESTAB  0      0      192.0.2.2:8080 192.0.2.1:40000
@ 6 client 1795269911471190 1795269911491135 1800 client FIN delivered, server closes at once
FIN-WAIT-1 0      1      192.0.2.1:40000 192.0.2.2:8080 timer:(on,684ms,0)
@ 6 server 1795269911491135 1795269911507253 1800 client FIN delivered, server closes at once
LISTEN   0      512    192.0.2.2:8080   0.0.0.0:*    
LAST-ACK 0      1      192.0.2.2:8080 192.0.2.1:40000 timer:(on,864ms,0)
@ 7 client 1795269911671263 1795269911683202 2000 server FIN delivered, last ACK on its way
TIME-WAIT 0      0      192.0.2.1:40000 192.0.2.2:8080 timer:(timewait,59sec,0)
@ 7 server 1795269911683202 1795269911703189 2000 server FIN delivered, last ACK on its way
LISTEN   0      512    192.0.2.2:8080   0.0.0.0:*    
LAST-ACK 0      1      192.0.2.2:8080 192.0.2.1:40000 timer:(on,672ms,0)
@ 8 client 1795269912171339 1795269912183237 2500 client TIME_WAIT, server closed
TIME-WAIT 0      0      192.0.2.1:40000 192.0.2.2:8080 timer:(timewait,59sec,0)
@ 8 server 1795269912183237 1795269912203259 2500 client TIME_WAIT, server closed
LISTEN 0      512    192.0.2.2:8080 0.0.0.0:*
@ 9 client 1795269913164694 1795269913177767 3500 client TIME_WAIT
TIME-WAIT 0      0      192.0.2.1:40000 192.0.2.2:8080 timer:(timewait,58sec,0)
@ 9 server 1795269913177767 1795269913195175 3500 client TIME_WAIT
LISTEN 0      512    192.0.2.2:8080 0.0.0.0:*
@ 10 client 1795269913769116 1795269913787191 4100 new SYN on its way (TIME_WAIT gone)
SYN-SENT 0      1      192.0.2.1:40000 192.0.2.2:8080 timer:(on,880ms,0)
@ 10 server 1795269913787191 1795269913801873 4100 new SYN on its way (TIME_WAIT gone)
LISTEN 0      512    192.0.2.2:8080 0.0.0.0:*
@ 11 client 1795269913967622 1795269913979173 4300 SYN delivered, SYN+ACK on its way
SYN-SENT 0      1      192.0.2.1:40000 192.0.2.2:8080 timer:(on,688ms,0)
@ 11 server 1795269913979173 1795269913995319 4300 SYN delivered, SYN+ACK on its way
LISTEN   0      512    192.0.2.2:8080   0.0.0.0:*    
SYN-RECV 0      0      192.0.2.2:8080 192.0.2.1:40000 timer:(on,876ms,0)
@ 12 client 1795269914160854 1795269914175178 4500 SYN+ACK delivered
ESTAB 0      100    192.0.2.1:40000 192.0.2.2:8080 timer:(on,896ms,0)
@ 12 server 1795269914175178 1795269914203069 4500 SYN+ACK delivered
LISTEN   0      512    192.0.2.2:8080   0.0.0.0:*    
SYN-RECV 0      0      192.0.2.2:8080 192.0.2.1:40000 timer:(on,672ms,0)
@ 13 client 1795269914663342 1795269914675170 5000 second connection established
ESTAB 0      0      192.0.2.1:40000 192.0.2.2:8080
@ 13 server 1795269914675170 1795269914691648 5000 second connection established
ESTAB 0      0      192.0.2.2:8080 192.0.2.1:40000
@ 14 client 1795269915264119 1795269915279180 5600 client FIN on its way
FIN-WAIT-1 0      1      192.0.2.1:40000 192.0.2.2:8080 timer:(on,892ms,0)
@ 14 server 1795269915279180 1795269915295209 5600 client FIN on its way
ESTAB 0      0      192.0.2.2:8080 192.0.2.1:40000
@ 15 client 1795269915467311 1795269915479043 5800 FIN delivered, server closes at once
FIN-WAIT-1 0      1      192.0.2.1:40000 192.0.2.2:8080 timer:(on,688ms,0)
@ 15 server 1795269915479043 1795269915487101 5800 FIN delivered, server closes at once
LAST-ACK 0      1      192.0.2.2:8080 192.0.2.1:40000 timer:(on,884ms,0)
@ 16 client 1795269915667344 1795269915684301 6000 server FIN delivered
TIME-WAIT 0      0      192.0.2.1:40000 192.0.2.2:8080 timer:(timewait,59sec,0)
@ 16 server 1795269915684301 1795269915695195 6000 server FIN delivered
LAST-ACK 0      1      192.0.2.2:8080 192.0.2.1:40000 timer:(on,676ms,0)
@ 17 client 1795269916162767 1795269916175194 6500 client TIME_WAIT, server closed
TIME-WAIT 0      0      192.0.2.1:40000 192.0.2.2:8080 timer:(timewait,59sec,0)
@ 17 server 1795269916175194 1795269916199034 6500 client TIME_WAIT, server closed
