# ss -tanoH snapshots of half-close: "@ CHECKPOINT SIDE START_US END_US MS LABEL", then what ss printed
@ 1 client 1795269815748590 1795269815763473 100 SYN on its way to the tap
SYN-SENT 0      1      192.0.2.1:50770 192.0.2.2:8080 timer:(on,880ms,0)
@ 1 server 1795269815763473 1795269815775257 100 SYN on its way to the tap
LISTEN 0      512    192.0.2.2:8080 0.0.0.0:*
@ 2 client 1795269815932950 1795269815955249 300 SYN delivered, SYN+ACK on its way
SYN-SENT 0      1      192.0.2.1:50770 192.0.2.2:8080 timer:(on,692ms,0)
@ 2 server 1795269815955249 1795269815976980 300 SYN delivered, SYN+ACK on its way
LISTEN   0      512    192.0.2.2:8080   0.0.0.0:*    
SYN-RECV 0      0      192.0.2.2:8080 192.0.2.1:50770 timer:(on,860ms,0)
@ 3 client 1795269816147447 1795269816159161 500 SYN+ACK delivered, the handshake's ACK on its way
ESTAB 0      500    192.0.2.1:50770 192.0.2.2:8080 timer:(on,900ms,0)
@ 3 server 1795269816159161 1795269816200158 500 SYN+ACK delivered, the handshake's ACK on its way
LISTEN   0      512    192.0.2.2:8080   0.0.0.0:*    
SYN-RECV 0      0      192.0.2.2:8080 192.0.2.1:50770 timer:(on,644ms,0)
@ 4 client 1795269816646107 1795269816663826 1000 established, data exchanged
FIN-WAIT-1 0      1      192.0.2.1:50770 192.0.2.2:8080 timer:(on,992ms,0)
@ 4 server 1795269816663826 1795269816684161 1000 established, data exchanged
ESTAB 0      0      192.0.2.2:8080 192.0.2.1:50770
@ 5 client 1795269816732913 1795269816755028 1100 client FIN on its way
FIN-WAIT-1 0      1      192.0.2.1:50770 192.0.2.2:8080 timer:(on,904ms,0)
@ 5 server 1795269816755028 1795269816771141 1100 client FIN on its way
ESTAB 0      0      192.0.2.2:8080 192.0.2.1:50770
@ 6 client 1795269816936735 1795269816947162 1300 FIN delivered, its ACK on its way
FIN-WAIT-1 0      1      192.0.2.1:50770 192.0.2.2:8080 timer:(on,708ms,0)
@ 6 server 1795269816947162 1795269816971170 1300 FIN delivered, its ACK on its way
CLOSE-WAIT 0      200    192.0.2.2:8080 192.0.2.1:50770 timer:(on,888ms,0)
@ 7 client 1795269817234409 1795269817251370 1600 client FIN_WAIT_2 receiving, server CLOSE_WAIT sending
FIN-WAIT-2 0      0      192.0.2.1:50770 192.0.2.2:8080
@ 7 server 1795269817251370 1795269817264598 1600 client FIN_WAIT_2 receiving, server CLOSE_WAIT sending
CLOSE-WAIT 0      400    192.0.2.2:8080 192.0.2.1:50770 timer:(on,1.004ms,0)
@ 8 client 1795269818132862 1795269818143575 2500 half-closed, data flowing
FIN-WAIT-2 0      0      192.0.2.1:50770 192.0.2.2:8080
@ 8 server 1795269818143575 1795269818161024 2500 half-closed, data flowing
CLOSE-WAIT 0      600    192.0.2.2:8080 192.0.2.1:50770 timer:(on,896ms,0)
@ 9 client 1795269819140243 1795269819155270 3500 half-closed, data flowing
FIN-WAIT-2 0      0      192.0.2.1:50770 192.0.2.2:8080
@ 9 server 1795269819155270 1795269819163262 3500 half-closed, data flowing
CLOSE-WAIT 0      800    192.0.2.2:8080 192.0.2.1:50770 timer:(on,544ms,0)
@ 10 client 1795269819935852 1795269819947184 4300 server FIN on its way
FIN-WAIT-2 0      0      192.0.2.1:50770 192.0.2.2:8080
@ 10 server 1795269819947184 1795269819956140 4300 server FIN on its way
LAST-ACK 0      301    192.0.2.2:8080 192.0.2.1:50770 timer:(on,452ms,0)
@ 11 client 1795269820133037 1795269820151287 4500 server FIN delivered, last ACK on its way
TIME-WAIT 0      0      192.0.2.1:50770 192.0.2.2:8080 timer:(timewait,59sec,0)
@ 11 server 1795269820151287 1795269820156035 4500 server FIN delivered, last ACK on its way
LAST-ACK 0      1      192.0.2.2:8080 192.0.2.1:50770 timer:(on,612ms,0)
@ 12 client 1795269820637110 1795269820659351 5000 client TIME_WAIT, server closed
TIME-WAIT 0      0      192.0.2.1:50770 192.0.2.2:8080 timer:(timewait,59sec,0)
@ 12 server 1795269820659351 1795269820671127 5000 client TIME_WAIT, server closed
